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
  /** workspaces are all the user's workspaces (for the switcher). */
  workspaces?: WorkspaceRef[];
  /** switchWorkspace opens another workspace without reloading the page. */
  switchWorkspace?: (id: string) => void;
  /** reloadTeams refreshes teams after a settings change. */
  reloadTeams?: () => Promise<void>;
  /** renameWorkspace shows a new name for the current workspace. */
  renameWorkspace?: (name: string) => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionContext');
  return s;
}
