// The profile: name, avatar URL, availability and password.
import { useState, type FormEvent } from 'react';
import { api } from './api';
import { passwordHelp } from './Auth';
import { PASSWORD_MIN } from './features/settings/api';
import { readEnterSends, writeEnterSends } from './Composer';
import { navigate } from './router';
import { useSession } from './session';
import type { Availability } from './types';
import { Avatar, TopBar } from './ui';

function useForm() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [ok, setOk] = useState('');
  async function run(fn: () => Promise<string>) {
    setBusy(true);
    setError('');
    setOk('');
    try {
      setOk(await fn());
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, ok, run };
}

function Result({ error, ok }: { error: string; ok: string }) {
  return (
    <>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {ok && (
        <p className="form-ok" role="status">
          {ok}
        </p>
      )}
    </>
  );
}

export function Profile() {
  const s = useSession();
  const member = s.members.find((m) => m.id === s.user.id);
  const [name, setName] = useState(s.user.name);
  const [avatar, setAvatar] = useState(s.user.avatar_url ?? '');
  const [availability, setAvailability] = useState<Availability>(member?.availability ?? 'online');
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [enterSends, setEnterSends] = useState(readEnterSends);
  const profile = useForm();
  const avail = useForm();
  const password = useForm();

  function saveProfile(e: FormEvent) {
    e.preventDefault();
    profile.run(async () => {
      const u = await api.updateMe({ name: name.trim(), avatar_url: avatar.trim() });
      s.setUser(u ?? { ...s.user, name: name.trim(), avatar_url: avatar.trim() });
      return 'Profile saved.';
    });
  }

  function saveAvailability(v: Availability) {
    setAvailability(v);
    avail.run(async () => {
      await api.updateMember(s.workspace.id, s.user.id, { availability: v });
      s.reloadMembers().catch(() => {});
      return 'Availability updated.';
    });
  }

  function savePassword(e: FormEvent) {
    e.preventDefault();
    password.run(async () => {
      const res = await api.changePassword(current, next);
      setCurrent('');
      setNext('');
      const r = res?.revoked;
      return r ? revokedSummary({ sessions: r.sessions ?? 0, api_tokens: r.api_tokens ?? 0 }) : 'Password changed.';
    });
  }

  return (
    <div className="app">
      <TopBar />
      <main className="page" aria-labelledby="profile-title">
        <div className="page-head">
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => navigate('/')}>
            ← Back to inbox
          </button>
          <h1 id="profile-title">Your profile</h1>
        </div>

        <section className="panel" aria-labelledby="p-details">
          <h2 id="p-details">Details</h2>
          <form className="form" onSubmit={saveProfile}>
            <div className="row gap center-y">
              <Avatar name={name} url={avatar} id={s.user.id} size={40} />
              <span className="muted">{s.user.email}</span>
            </div>
            <label className="field">
              <span>Name</span>
              <input name="name" required value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" />
            </label>
            <label className="field">
              <span>Avatar URL</span>
              <input
                name="avatar_url"
                type="url"
                placeholder="https://…"
                value={avatar}
                onChange={(e) => setAvatar(e.target.value)}
              />
            </label>
            <Result error={profile.error} ok={profile.ok} />
            <div>
              <button type="submit" className="btn btn-primary" disabled={profile.busy}>
                Save profile
              </button>
            </div>
          </form>
        </section>

        <section className="panel" aria-labelledby="p-availability">
          <h2 id="p-availability">Availability</h2>
          <fieldset className="radios">
            <legend className="sr-only">Availability</legend>
            {(['online', 'busy', 'offline'] as Availability[]).map((v) => (
              <label key={v} className="check">
                <input
                  type="radio"
                  name="availability"
                  value={v}
                  checked={availability === v}
                  disabled={avail.busy}
                  onChange={() => saveAvailability(v)}
                />
                <span className={'presence presence-' + v}>{v.charAt(0).toUpperCase() + v.slice(1)}</span>
              </label>
            ))}
          </fieldset>
          <Result error={avail.error} ok={avail.ok} />
        </section>

        <section className="panel" aria-labelledby="p-composer">
          <h2 id="p-composer">Composer</h2>
          <label className="check">
            <input
              type="checkbox"
              checked={enterSends}
              onChange={(e) => {
                setEnterSends(e.target.checked);
                writeEnterSends(e.target.checked);
              }}
            />
            Enter sends the message (Shift+Enter for a new line). Off: Enter inserts a new line and Ctrl+Enter sends.
          </label>
        </section>

        <section className="panel" aria-labelledby="p-tokens">
          <h2 id="p-tokens">API tokens</h2>
          <p className="muted">
            Personal tokens let scripts use the API as you.{' '}
            <a
              href="/settings/tokens"
              onClick={(e) => {
                e.preventDefault();
                navigate('/settings/tokens');
              }}
            >
              Manage your API tokens
            </a>
          </p>
        </section>

        <section className="panel" aria-labelledby="p-password">
          <h2 id="p-password">Password</h2>
          <form className="form" onSubmit={savePassword}>
            <input type="email" name="username" autoComplete="username" value={s.user.email} readOnly hidden />
            <label className="field">
              <span>Current password</span>
              <input
                type="password"
                name="current_password"
                required
                autoComplete="current-password"
                value={current}
                onChange={(e) => setCurrent(e.target.value)}
              />
            </label>
            <div className="field">
              <label htmlFor="new-password">New password</label>
              <input
                id="new-password"
                type="password"
                name="new_password"
                required
                minLength={PASSWORD_MIN}
                autoComplete="new-password"
                value={next}
                onChange={(e) => setNext(e.target.value)}
                aria-describedby="new-password-help"
              />
              <small id="new-password-help" className="field-help muted">
                {passwordHelp()} Changing it signs out your other sessions.
              </small>
            </div>
            <Result error={password.error} ok={password.ok} />
            <div>
              <button type="submit" className="btn" disabled={password.busy}>
                Change password
              </button>
            </div>
          </form>
        </section>
      </main>
    </div>
  );
}

/** revokedSummary says what a password change signed out and revoked. */
export function revokedSummary(r: { sessions: number; api_tokens: number }): string {
  const parts: string[] = [];
  if (r.sessions > 0) parts.push(`${r.sessions} other ${r.sessions === 1 ? 'session was' : 'sessions were'} signed out`);
  if (r.api_tokens > 0) parts.push(`${r.api_tokens} API ${r.api_tokens === 1 ? 'token was' : 'tokens were'} revoked`);
  if (parts.length === 0) return 'Password changed. There were no other sessions or API tokens to revoke.';
  const text = parts.join(' and ');
  return `Password changed. ${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}
