// The public invite page (/invite?token=…): a new person sets their name
// and password; someone with an account signs in and accepts.
import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api';
import { AuthShell, PasswordFields } from '../../Auth';
import { navigate } from '../../router';
import { settingsApi, type InviteLookup } from '../settings/api';
import { rememberWorkspace } from '../../workspaces';

export function InvitePage({ token, signedInAs, onAccepted }: { token: string; signedInAs?: string; onAccepted: () => void }) {
  const [invite, setInvite] = useState<InviteLookup | null>(null);
  const [failed, setLookupError] = useState('');
  const lookupError = token ? failed : 'This invite link is incomplete. Open the whole link you were sent.';
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    if (!token) return;
    settingsApi.lookupInvite(token).then(
      (i) => live && setInvite(i),
      (err) =>
        live &&
        setLookupError(
          err instanceof ApiError && (err.status === 404 || err.status === 410)
            ? 'This invite link has expired or was already used. Ask your admin for a new one.'
            : (err as Error).message,
        ),
    );
    return () => {
      live = false;
    };
  }, [token]);

  async function accept(body: { token: string; name?: string; password?: string }) {
    const r = await settingsApi.acceptInvite(body);
    if (r?.workspace_id) rememberWorkspace(r.workspace_id);
    onAccepted();
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!invite) return;
    setError('');
    if (!invite.account_exists && password !== confirm) {
      setError('The two passwords differ.');
      return;
    }
    setBusy(true);
    try {
      if (invite.account_exists) {
        if (!signedInAs) await api.login(invite.email, password);
        await accept({ token });
      } else {
        await accept({ token, name: name.trim(), password });
      }
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401 ? 'The password is not correct.' : (err as Error).message || 'Something went wrong. Try again.',
      );
      setBusy(false);
    }
  }

  if (lookupError) {
    return (
      <AuthShell title="Invitation">
        <p className="form-error" role="alert">
          {lookupError}
        </p>
        <a className="btn btn-block" href="/login">
          Go to sign in
        </a>
      </AuthShell>
    );
  }
  if (!invite) {
    return (
      <AuthShell title="Invitation">
        <p className="muted" aria-busy="true">
          Checking the invitation…
        </p>
      </AuthShell>
    );
  }
  const role = invite.role === 'admin' ? 'an admin' : 'an agent';
  const wrongUser = !!signedInAs && signedInAs.toLowerCase() !== invite.email.toLowerCase();
  return (
    <AuthShell title={`Join ${invite.workspace_name}`} subtitle={`You are invited as ${role}, with ${invite.email}.`}>
      {wrongUser ? (
        <p className="form-error" role="alert">
          You are signed in as {signedInAs}, but this invitation is for {invite.email}. Sign out first, then open the link again.
        </p>
      ) : (
        <form className="form" onSubmit={submit} aria-label="Accept the invitation">
          {!invite.account_exists && (
            <>
              <label className="field">
                <span>Your name</span>
                <input name="name" required maxLength={200} autoComplete="name" autoFocus value={name} onChange={(e) => setName(e.target.value)} />
              </label>
              <input type="email" name="username" autoComplete="username" value={invite.email} readOnly hidden />
              <PasswordFields password={password} confirm={confirm} onPassword={setPassword} onConfirm={setConfirm} />
            </>
          )}
          {invite.account_exists && !signedInAs && (
            <>
              <p className="muted">You already have an account. Sign in to accept.</p>
              <input type="email" name="username" autoComplete="username" value={invite.email} readOnly hidden />
              <label className="field">
                <span>Password</span>
                <input
                  type="password"
                  name="password"
                  required
                  autoComplete="current-password"
                  autoFocus
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                />
              </label>
              <a href="/login?forgot=1" className="small">
                Forgot password?
              </a>
            </>
          )}
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
            {busy ? 'Joining…' : invite.account_exists && !signedInAs ? 'Sign in and join' : 'Join ' + invite.workspace_name}
          </button>
          {signedInAs && (
            <button type="button" className="btn btn-ghost btn-block" onClick={() => navigate('/')}>
              Not now
            </button>
          )}
        </form>
      )}
    </AuthShell>
  );
}
