// The public password pages: /reset-password?token=… sets a new password;
// ForgotPassword asks for a reset link by email.
import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api';
import { AuthShell, PasswordFields } from '../../Auth';
import { settingsApi } from '../settings/api';

export function ResetPasswordPage({ token }: { token: string }) {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState('');
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError('');
    if (password !== confirm) {
      setError('The two passwords differ.');
      return;
    }
    setBusy(true);
    try {
      await settingsApi.confirmPasswordReset(token, password);
      setDone(true);
    } catch (err) {
      setError(
        err instanceof ApiError && (err.status === 404 || err.status === 410)
          ? 'This link has expired or was already used. Ask for a new one.'
          : (err as Error).message || 'Something went wrong. Try again.',
      );
    } finally {
      setBusy(false);
    }
  }

  if (!token) {
    return (
      <AuthShell title="Choose a new password">
        <p className="form-error" role="alert">
          This link is incomplete. Open the whole link you were sent.
        </p>
        <a className="btn btn-block" href="/login">
          Go to sign in
        </a>
      </AuthShell>
    );
  }
  if (done) {
    return (
      <AuthShell title="Password changed">
        <p className="form-ok" role="status">
          Your new password is set. Sign in with it.
        </p>
        <a className="btn btn-primary btn-block" href="/login">
          Go to sign in
        </a>
      </AuthShell>
    );
  }
  return (
    <AuthShell title="Choose a new password">
      <form className="form" onSubmit={submit} aria-label="Choose a new password">
        <PasswordFields password={password} confirm={confirm} onPassword={setPassword} onConfirm={setConfirm} />
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {busy ? 'Saving…' : 'Set password'}
        </button>
      </form>
    </AuthShell>
  );
}

export function ForgotPassword({ initialEmail, onBack }: { initialEmail: string; onBack: () => void }) {
  const [email, setEmail] = useState(initialEmail);
  const [message, setMessage] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const r = await settingsApi.requestPasswordReset(email.trim());
      setMessage(r?.message || 'If an account uses this address, a reset link is on its way.');
    } catch (err) {
      setError((err as Error).message || 'Something went wrong. Try again.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthShell title="Forgot your password?" subtitle="Enter your email address and we will send you a link to choose a new one.">
      {message ? (
        <p className="form-ok" role="status">
          {message}
        </p>
      ) : (
        <form className="form" onSubmit={submit} aria-label="Reset your password">
          <label className="field">
            <span>Email</span>
            <input type="email" name="email" autoComplete="username" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} />
          </label>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
            {busy ? 'Sending…' : 'Send reset link'}
          </button>
        </form>
      )}
      <button type="button" className="btn btn-ghost btn-block" onClick={onBack}>
        Back to sign in
      </button>
    </AuthShell>
  );
}
