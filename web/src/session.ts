import { createContext, useContext } from 'react';
import type { Member, Team, User, WorkspaceRef } from './types';

export interface Session {
  user: User;
  workspace: WorkspaceRef;
  members: Member[];
  teams: Team[];
  setUser: (u: User) => void;
  reloadMembers: () => Promise<void>;
  signOut: () => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionContext');
  return s;
}
