// Renders a component inside a signed-in session.
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { SessionContext, type Session } from '../session';

export const WS = 'ws1';

export function session(role: 'admin' | 'agent' = 'admin'): Session {
  const user = { id: 'u1', name: 'Ada Admin', email: 'ada@example.com' };
  return {
    user,
    workspace: { id: WS, name: 'Acme Support', role },
    members: [{ ...user, role, availability: 'online' }],
    teams: [],
    setUser: () => {},
    reloadMembers: async () => {},
    signOut: () => {},
  };
}

export function renderWithSession(ui: ReactElement, role: 'admin' | 'agent' = 'admin') {
  return render(<SessionContext.Provider value={session(role)}>{ui}</SessionContext.Provider>);
}
