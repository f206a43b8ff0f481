// Sign-in and first-run set-up screens.
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError } from './api';
import { ForgotPassword } from './features/account/ResetPassword';
import { PASSWORD_MIN } from './features/settings/api';

/** AuthShell frames the signed-out pages. */
export function AuthShell({ title, subtitle, children }: { title: string; subtitle?: string; children: ReactNode }) {
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

/** PasswordHelp states the password rule under a new-password field. */
export function passwordHelp(): string {
  return `At least ${PASSWORD_MIN} characters. A few unrelated words make a strong password.`;
}

/** PasswordFields is a new password with its rule stated, and its confirmation. */
export function PasswordFields({
  password,
  confirm,
  onPassword,
  onConfirm,
  label = 'Password',
}: {
  password: string;
  /** confirm, when given, adds a second field that must match. */
  confirm?: string;
  onPassword: (v: string) => void;
  onConfirm?: (v: string) => void;
  label?: string;
}) {
  const id = useId();
  const short = password.length > 0 && [...password].length < PASSWORD_MIN;
  const differ = confirm !== undefined && confirm.length > 0 && confirm !== password;
  return (
    <>
      <div className="field">
        <label htmlFor={id + '-pw'}>{label}</label>
        <input
          id={id + '-pw'}
          type="password"
          name="password"
          required
          minLength={PASSWORD_MIN}
          autoComplete="new-password"
          value={password}
          onChange={(e) => onPassword(e.target.value)}
          aria-describedby={id + '-pw-help'}
          aria-invalid={short || undefined}
        />
        <small id={id + '-pw-help'} className={'field-help ' + (short ? 'error-text' : 'muted')}>
          {short ? `${[...password].length} of at least ${PASSWORD_MIN} characters. ` : ''}
          {passwordHelp()}
        </small>
      </div>
      {confirm !== undefined && (
      <div className="field">
        <label htmlFor={id + '-confirm'}>Confirm password</label>
        <input
          id={id + '-confirm'}
          type="password"
          name="confirm_password"
          required
          autoComplete="new-password"
          value={confirm}
          onChange={(e) => onConfirm?.(e.target.value)}
          aria-describedby={differ ? id + '-confirm-help' : undefined}
          aria-invalid={differ || undefined}
        />
        {differ && (
          <small id={id + '-confirm-help'} className="field-help error-text">
            The two passwords differ.
          </small>
        )}
      </div>
      )}
    </>
  );
}

export function Login({ onSignedIn, forgot: initialForgot = false }: { onSignedIn: () => void; forgot?: boolean }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [forgot, setForgot] = useState(initialForgot);

  if (forgot) return <ForgotPassword initialEmail={email} onBack={() => setForgot(false)} />;

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
        <button type="button" className="btn btn-ghost btn-block" onClick={() => setForgot(true)}>
          Forgot password?
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
    setError('');
    setBusy(true);
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
        <PasswordFields password={password} onPassword={setPassword} />
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
