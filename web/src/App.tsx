// The app's root: finds out who is signed in (or whether Parley still needs
// setting up) and shows the matching screen.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, onUnauthorized } from './api';
import { setChannelSpecs } from './channels';
import { Login, Setup } from './Auth';
import { Inbox } from './Inbox';
import { Profile } from './Profile';
import { conversationIdFromPath, navigate, useLocation } from './router';
import { SessionContext, type Session } from './session';
import { Settings, settingsPage } from './Settings';
import { InvitePage } from './features/account/Invite';
import { NotFound } from './features/account/NotFound';
import { ResetPasswordPage } from './features/account/ResetPassword';
import { NotificationSettings } from './features/notifications/Preferences';
import { ContactsScreen } from './features/contacts/ContactsScreen';
import { DashboardScreen } from './features/find/Dashboard';
import { DraftStore, DraftsContext } from './features/composer/drafts';
import type { Member, Team, User, WorkspaceRef } from './types';
import { pickWorkspace, rememberWorkspace } from './workspaces';

/** PUBLIC_PATHS open without signing in (and also when signed in). */
const PUBLIC_PATHS = ['/invite', '/reset-password'];

/** knownPath tells the app's own screens from addresses it does not know. */
export function knownPath(path: string): boolean {
  if (path === '/' || path === '' || path === '/profile' || path === '/dashboard') return true;
  if (path === '/contacts' || path.startsWith('/contacts/')) return true;
  if (conversationIdFromPath(path)) return true;
  return settingsPage(path) !== null;
}

type State =
  | { kind: 'loading' }
  | { kind: 'anon'; setupNeeded: boolean }
  | { kind: 'error'; message: string }
  | { kind: 'noworkspace'; user: User }
  | {
      kind: 'ready';
      user: User;
      workspace: WorkspaceRef;
      workspaces: WorkspaceRef[];
      members: Member[];
      teams: Team[];
    };

export function App() {
  const [state, setState] = useState<State>({ kind: 'loading' });
  // The composer's drafts of this session (cleared on sign-out and on a workspace switch).
  const [drafts] = useState(() => new DraftStore());
  const loc = useLocation();

  const load = useCallback(async () => {
    try {
      const me = await api.me();
      const ws = pickWorkspace(me.workspaces);
      if (!ws) {
        setState({ kind: 'noworkspace', user: me.user });
        return;
      }
      const [members, teams] = await Promise.all([
        api.members(ws.id).catch(() => ({ items: [] as Member[], next_cursor: '' })),
        api.teams(ws.id).catch(() => ({ items: [] as Team[], next_cursor: '' })),
        api.channelSpecs().then(setChannelSpecs, () => undefined),
      ]);
      setState({
        kind: 'ready',
        user: me.user,
        workspace: ws,
        workspaces: me.workspaces ?? [ws],
        members: members.items ?? [],
        teams: teams.items ?? [],
      });
    } catch (err) {
      const status = (err as { status?: number }).status;
      if (status === 401 || status === 403) {
        try {
          const s = await api.setupNeeded();
          setState({ kind: 'anon', setupNeeded: !!s.needed });
        } catch {
          setState({ kind: 'anon', setupNeeded: false });
        }
        return;
      }
      setState({ kind: 'error', message: (err as Error).message || 'The server cannot be reached.' });
    }
  }, []);

  useEffect(() => {
    load();
  }, [load]);

  useEffect(() => {
    onUnauthorized(() => {
      drafts.clear();
      setState({ kind: 'anon', setupNeeded: false });
    });
    return () => onUnauthorized(null);
  }, [drafts]);

  // Keep the address bar honest about which screen is shown.
  useEffect(() => {
    if (PUBLIC_PATHS.includes(loc.path)) return;
    if (state.kind === 'anon') {
      if (state.setupNeeded) {
        if (loc.path !== '/setup') navigate('/setup' + (loc.path === '/setup' ? loc.search : ''), true);
      } else if (loc.path !== '/login' && loc.path !== '/setup') navigate('/login', true);
    } else if (state.kind === 'ready' && (loc.path === '/login' || loc.path === '/setup')) {
      navigate('/', true);
    }
  }, [state, loc.path, loc.search]);

  const signedIn = useCallback(() => {
    setState({ kind: 'loading' });
    navigate('/', true);
    load();
  }, [load]);

  const signOut = useCallback(async () => {
    try {
      await api.logout();
    } catch {
      // Signed out locally either way.
    }
    drafts.clear();
    setState({ kind: 'anon', setupNeeded: false });
    navigate('/login', true);
  }, [drafts]);

  const session: Session | null = useMemo(() => {
    if (state.kind !== 'ready') return null;
    return {
      user: state.user,
      workspace: state.workspace,
      members: state.members,
      teams: state.teams,
      setUser: (u: User) => setState((s) => (s.kind === 'ready' ? { ...s, user: { ...s.user, ...u } } : s)),
      reloadMembers: async () => {
        const m = await api.members(state.workspace.id);
        setState((s) => (s.kind === 'ready' ? { ...s, members: m.items ?? [] } : s));
      },
      reloadTeams: async () => {
        const t = await api.teams(state.workspace.id);
        setState((s) => (s.kind === 'ready' ? { ...s, teams: t.items ?? [] } : s));
      },
      renameWorkspace: (name: string) =>
        setState((s) =>
          s.kind === 'ready'
            ? {
                ...s,
                workspace: { ...s.workspace, name },
                workspaces: s.workspaces.map((w) => (w.id === s.workspace.id ? { ...w, name } : w)),
              }
            : s,
        ),
      workspaces: state.workspaces,
      switchWorkspace: (id: string) => {
        if (id === state.workspace.id) return;
        rememberWorkspace(id);
        drafts.clear();
        setState({ kind: 'loading' });
        // Settings pages and the inbox exist in every workspace; a conversation does not.
        if (conversationIdFromPath(window.location.pathname)) navigate('/');
        load();
      },
      signOut,
    };
  }, [state, signOut, load, drafts]);

  switch (state.kind) {
    case 'loading':
      return (
        <main className="splash" aria-busy="true">
          <p className="muted">Loading…</p>
        </main>
      );
    case 'error':
      return (
        <main className="splash">
          <h1>Parley is not reachable</h1>
          <p className="muted">{state.message}</p>
          <button
            className="btn"
            onClick={() => {
              setState({ kind: 'loading' });
              load();
            }}
          >
            Try again
          </button>
        </main>
      );
    case 'noworkspace':
      return (
        <main className="splash">
          <h1>No workspace</h1>
          <p className="muted">{state.user.email} is not a member of any workspace yet. Ask an administrator to invite you.</p>
          <button className="btn" onClick={signOut}>
            Sign out
          </button>
        </main>
      );
    case 'anon': {
      if (loc.path === '/invite') return <InvitePage token={tokenOf(loc.search)} onAccepted={signedIn} />;
      if (loc.path === '/reset-password') return <ResetPasswordPage token={tokenOf(loc.search)} />;
      if (loc.path === '/setup' || state.setupNeeded) {
        const token = new URLSearchParams(loc.search).get('token') ?? '';
        return <Setup token={token} needed={state.setupNeeded} onDone={signedIn} />;
      }
      return <Login onSignedIn={signedIn} forgot={new URLSearchParams(loc.search).get('forgot') === '1'} />;
    }
    case 'ready':
      if (loc.path === '/invite') return <InvitePage token={tokenOf(loc.search)} signedInAs={state.user.email} onAccepted={signedIn} />;
      if (loc.path === '/reset-password') return <ResetPasswordPage token={tokenOf(loc.search)} />;
      return (
        // Keyed by workspace: switching remounts the screens with the new workspace's data.
        <SessionContext.Provider value={session} key={state.workspace.id}>
          <DraftsContext.Provider value={drafts}>
          {loc.path === '/profile' ? (
            <Profile />
          ) : loc.path === '/settings/notifications' ? (
            <NotificationSettings />
          ) : loc.path === '/dashboard' ? (
            <DashboardScreen />
          ) : loc.path === '/contacts' || loc.path.startsWith('/contacts/') ? (
            <ContactsScreen path={loc.path} />
          ) : loc.path === '/settings' || loc.path.startsWith('/settings/') ? (
            settingsPage(loc.path) ? <Settings path={loc.path} search={loc.search} /> : <NotFound path={loc.path} />
          ) : knownPath(loc.path) ? (
            <Inbox conversationId={conversationIdFromPath(loc.path)} />
          ) : (
            <NotFound path={loc.path} />
          )}
          </DraftsContext.Provider>
        </SessionContext.Provider>
      );
  }
}

function tokenOf(search: string): string {
  return new URLSearchParams(search).get('token') ?? '';
}
