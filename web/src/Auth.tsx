// Sign-in and first-run set-up screens.
import { useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError } from './api';

function AuthShell({ title, subtitle, children }: { title: string; subtitle?: string; children: ReactNode }) {
  return (
    <main className="auth">
      <div className="auth-card">
        <div className="brand brand-lg" aria-hidden="true">
          <span className="brand-mark">P</span> Parley
        </div>
        <h1>{title}</h1>
        {subtitle && <p className="muted">{subtitle}</p>}
        {children}
      </div>
    </main>
  );
}

function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  return 'Something went wrong. Try again.';
}

export function Login({ onSignedIn }: { onSignedIn: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      await api.login(email.trim(), password);
      onSignedIn();
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401 ? 'The email or password is not correct.' : errorText(err),
      );
      setBusy(false);
    }
  }

  return (
    <AuthShell title="Sign in" subtitle="Sign in to your team inbox.">
      <form onSubmit={submit} className="form" aria-label="Sign in">
        <label className="field">
          <span>Email</span>
          <input
            type="email"
            name="email"
            autoComplete="username"
            required
            autoFocus
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthShell>
  );
}

export function Setup({
  token: initialToken,
  needed,
  onDone,
}: {
  token: string;
  needed: boolean;
  onDone: () => void;
}) {
  const [token, setToken] = useState(initialToken);
  const [workspace, setWorkspace] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  if (!needed) {
    return (
      <AuthShell title="Parley is set up" subtitle="This workspace already has an administrator.">
        <a className="btn btn-primary btn-block" href="/login">
          Go to sign in
        </a>
      </AuthShell>
    );
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      await api.setup({ token: token.trim(), workspace_name: workspace.trim(), name: name.trim(), email: email.trim(), password });
      onDone();
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  }

  return (
    <AuthShell
      title="Set up Parley"
      subtitle="Create your workspace and the first administrator account. This can be done once."
    >
      <form onSubmit={submit} className="form" aria-label="Set up Parley">
        {!initialToken && (
          <div className="field">
            <label htmlFor="setup-token">Set-up token</label>
            <input
              id="setup-token"
              name="token"
              required
              autoComplete="off"
              value={token}
              onChange={(e) => setToken(e.target.value)}
              aria-describedby="token-help"
            />
            <small id="token-help" className="muted">
              Open the one-time link that <code>parley serve</code> printed, or paste its token here.
            </small>
          </div>
        )}
        <label className="field">
          <span>Workspace name</span>
          <input
            name="workspace_name"
            required
            autoFocus
            autoComplete="organization"
            value={workspace}
            onChange={(e) => setWorkspace(e.target.value)}
          />
        </label>
        <label className="field">
          <span>Your name</span>
          <input name="name" required autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          <span>Email</span>
          <input
            type="email"
            name="email"
            required
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            type="password"
            name="password"
            required
            minLength={8}
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {busy ? 'Creating…' : 'Create workspace'}
        </button>
      </form>
    </AuthShell>
  );
}
