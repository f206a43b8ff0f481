// The workspace's email server (SMTP): what invitations, password-reset
// links and notification digests are sent through. The password is
// write-only: the form says whether one is stored and keeps it unless a
// new one is typed.
import { useEffect, useState, type FormEvent } from 'react';
import { useSession } from '../../session';
import { settingsApi, type SMTPSettings } from './api';
import { Result, useAction } from './shared';

const EMPTY: SMTPSettings = { host: '', port: 587, username: '', password: '', from: '', security: 'starttls', password_set: false };

export function EmailPanel() {
  const ws = useSession().workspace.id;
  const [cfg, setCfg] = useState<SMTPSettings | null>(null);
  const load = useAction();
  const save = useAction();
  const { run: runLoad } = load;

  useEffect(() => {
    runLoad(async () => {
      const c = await settingsApi.smtp(ws);
      setCfg({ ...EMPTY, ...c, port: c.port || EMPTY.port, password: '' });
    });
  }, [runLoad, ws]);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!cfg) return;
    save.run(async () => {
      const saved = await settingsApi.saveSMTP(ws, { ...cfg, host: cfg.host.trim(), from: cfg.from.trim() });
      setCfg({ ...EMPTY, ...saved, password: '' });
      return saved.host ? 'Email server saved: invitations, reset links and digests will be emailed.' : 'Email turned off: links are only shown to admins.';
    });
  }

  const set = (patch: Partial<SMTPSettings>) => setCfg((c) => (c ? { ...c, ...patch } : c));
  return (
    <section className="panel" aria-labelledby="smtp-title">
      <h2 id="smtp-title">Email</h2>
      <p className="muted">
        The mail server Parley sends through: invitations, password-reset links (also “Forgot password?” on the sign-in page) and
        notification digests. Leave the host empty to send no email; admins then pass links on themselves.
      </p>
      <Result error={load.error} />
      {cfg && (
        <form className="form" onSubmit={submit} aria-label="Email server">
          <div className="row gap wrap">
            <label className="field grow">
              <span>SMTP host</span>
              <input name="smtp_host" maxLength={253} placeholder="smtp.example.com" value={cfg.host} onChange={(e) => set({ host: e.target.value })} />
            </label>
            <label className="field">
              <span>Port</span>
              <input name="smtp_port" type="number" min={0} max={65535} value={cfg.port} onChange={(e) => set({ port: Number(e.target.value) || 0 })} />
            </label>
            <label className="field">
              <span>Security</span>
              <select name="smtp_security" value={cfg.security || 'starttls'} onChange={(e) => set({ security: e.target.value as SMTPSettings['security'] })}>
                <option value="starttls">STARTTLS when offered</option>
                <option value="tls">TLS (port 465)</option>
                <option value="none">None</option>
              </select>
            </label>
          </div>
          <label className="field">
            <span>Sender address</span>
            <input name="smtp_from" maxLength={254} placeholder="Parley <support@example.com>" value={cfg.from} onChange={(e) => set({ from: e.target.value })} />
          </label>
          <div className="row gap wrap">
            <label className="field grow">
              <span>Username</span>
              <input name="smtp_username" autoComplete="off" maxLength={254} value={cfg.username} onChange={(e) => set({ username: e.target.value })} />
            </label>
            <label className="field grow">
              <span>Password</span>
              <input
                name="smtp_password"
                type="password"
                autoComplete="new-password"
                maxLength={256}
                placeholder={cfg.password_set ? 'Stored — type to replace' : ''}
                value={cfg.password ?? ''}
                onChange={(e) => set({ password: e.target.value })}
              />
            </label>
          </div>
          <Result error={save.error} ok={save.ok} />
          <div>
            <button type="submit" className="btn btn-primary" disabled={save.busy}>
              {save.busy ? 'Saving…' : 'Save email server'}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
