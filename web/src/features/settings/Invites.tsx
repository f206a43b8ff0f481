// Invitations: an admin invites by email and role and gets a link to send;
// pending invites can be resent (a new link) or revoked.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../../api';
import { CopyField } from '../../Settings';
import { useSession } from '../../session';
import { settingsApi, type Invite, type InviteLink, type Role } from './api';
import { ConfirmButton, Result, useAction, when } from './shared';

export function InvitePanel() {
  const { workspace } = useSession();
  const [open, setOpen] = useState(false);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const [link, setLink] = useState<InviteLink | null>(null);
  const [pending, setPending] = useState<Invite[] | null>(null);
  const [unavailable, setUnavailable] = useState(false);
  const create = useAction();
  const change = useAction();

  const [version, setVersion] = useState(0);
  // reload lists the pending invites again (after a change).
  const reload = useCallback(async () => setVersion((v) => v + 1), []);

  useEffect(() => {
    let live = true;
    settingsApi.invites(workspace.id).then(
      (p) => live && setPending(p.items ?? []),
      (err) => {
        if (!live) return;
        if (err instanceof ApiError && (err.status === 404 || err.status === 405)) setUnavailable(true);
        else setPending([]);
      },
    );
    return () => {
      live = false;
    };
  }, [workspace.id, version]);

  function submit(e: FormEvent) {
    e.preventDefault();
    create.run(async () => {
      const inv = await settingsApi.invite(workspace.id, { email: email.trim(), role });
      setLink(inv);
      setEmail('');
      await reload();
    });
  }

  return (
    <section className="panel panel-wide" aria-labelledby="invite-title">
      <div className="panel-head">
        <h2 id="invite-title">Invitations</h2>
        {!open && (
          <button type="button" className="btn btn-primary" onClick={() => setOpen(true)} disabled={unavailable}>
            Invite a member
          </button>
        )}
      </div>
      {unavailable && <p className="muted">This server does not offer invitations yet.</p>}
      {open && (
        <form className="form" onSubmit={submit} aria-label="Invite a member">
          <div className="row gap wrap end-y">
            <label className="field grow">
              <span>Email</span>
              <input type="email" name="invite_email" required maxLength={254} value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
            </label>
            <label className="field field-inline">
              <span>Role</span>
              <select name="invite_role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
                <option value="agent">Agent</option>
                <option value="admin">Admin</option>
              </select>
            </label>
            <button type="submit" className="btn btn-primary" disabled={create.busy}>
              {create.busy ? 'Creating…' : 'Create invite link'}
            </button>
            <button type="button" className="btn" onClick={() => setOpen(false)}>
              Close
            </button>
          </div>
          <small className="field-help muted">
            The person gets a link to set their name and password (emailed when this workspace has an email server, see Settings →
            Workspace → Email); it expires after a week.
          </small>
          <Result error={create.error} />
        </form>
      )}
      {link && (
        <div className="token-once" role="group" aria-label="Invite link">
          <p className="form-ok" role="status">
            {link.emailed
              ? `Emailed to ${link.email}. You can also pass the link on yourself; it works once, until ${when(link.expires_at)}.`
              : `Send this link to ${link.email}. It works until ${when(link.expires_at)}.`}
          </p>
          {!link.emailed && link.email_error && <p className="muted small">Not emailed: {link.email_error}</p>}
          <CopyField label="Invite link" value={link.link} />
        </div>
      )}
      <Result error={change.error} ok={change.ok} />
      {pending && pending.length > 0 && (
        <>
          <h3 className="subhead">Pending invites</h3>
          <ul className="settings-list" aria-label="Pending invites">
            {pending.map((inv) => (
              <li key={inv.id} className="settings-item">
                <span className="settings-name grow">{inv.email}</span>
                <span className="muted small">{inv.role === 'admin' ? 'Admin' : 'Agent'}</span>
                <span className="muted small">expires {when(inv.expires_at)}</span>
                <span className="actions">
                  <button
                    type="button"
                    className="btn btn-sm"
                    disabled={change.busy}
                    aria-label={`Resend invite to ${inv.email}`}
                    onClick={() =>
                      change.run(async () => {
                        const r = await settingsApi.resendInvite(workspace.id, inv.id);
                        setLink(r);
                        await reload();
                        return `A new link for ${inv.email} is shown above; the old one no longer works.`;
                      })
                    }
                  >
                    Resend
                  </button>
                  <ConfirmButton
                    label="Revoke"
                    confirm="Yes, revoke"
                    what={`invite to ${inv.email}`}
                    busy={change.busy}
                    onConfirm={() =>
                      change.run(async () => {
                        await settingsApi.revokeInvite(workspace.id, inv.id);
                        if (link?.id === inv.id) setLink(null);
                        await reload();
                        return `The invite to ${inv.email} was revoked.`;
                      })
                    }
                  />
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
      {pending && pending.length === 0 && !unavailable && <p className="muted">No pending invites.</p>}
    </section>
  );
}
