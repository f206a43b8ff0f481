// Members: who is in the workspace (role, teams, capacity, availability),
// invitations by link, pending invites, password-reset links, removal.
import { useEffect, useState } from 'react';
import { ApiError } from '../../api';
import { CopyField } from '../../Settings';
import { useSession } from '../../session';
import type { Availability, Member, Team } from '../../types';
import { InvitePanel } from './Invites';
import { settingsApi, type Role } from './api';
import { ConfirmButton, Result, useAction } from './shared';

export function MembersPage() {
  const s = useSession();
  const change = useAction();
  const [reset, setReset] = useState<{ name: string; link: string; expires_at: string; emailed?: boolean; email_error?: string } | null>(null);
  const { reloadMembers } = s;

  useEffect(() => {
    reloadMembers().catch(() => {});
  }, [reloadMembers]);

  function update(m: Member, body: { role?: Role; availability?: Availability; capacity?: number }, msg: string) {
    return change.run(async () => {
      await settingsApi.updateMember(s.workspace.id, m.id, body);
      await s.reloadMembers();
      return msg;
    });
  }

  function setTeams(m: Member, team: Team, on: boolean) {
    return change.run(async () => {
      const ids = team.member_ids ?? [];
      await settingsApi.updateTeam(s.workspace.id, team.id, {
        member_ids: on ? [...ids.filter((x) => x !== m.id), m.id] : ids.filter((x) => x !== m.id),
      });
      await Promise.all([s.reloadMembers(), s.reloadTeams?.()]);
      return `${m.name} ${on ? 'added to' : 'removed from'} ${team.name}.`;
    });
  }

  return (
    <>
      <InvitePanel />
      <section className="panel panel-wide" aria-labelledby="members-list">
        <h2 id="members-list">Members</h2>
        <p className="muted">
          Capacity is how many open conversations routing may give someone at once (0 means no limit). Admins manage
          settings; agents answer conversations.
        </p>
        <Result error={change.error} ok={change.ok} />
        {reset && (
          <div className="token-once" role="group" aria-label="Password-reset link">
            <p className="form-ok" role="status">
              {reset.emailed ? `Emailed to ${reset.name}. ` : `Send this link to ${reset.name}; `}
              it lets them choose a new password until {new Date(reset.expires_at).toLocaleString()}.
            </p>
            {!reset.emailed && reset.email_error && <p className="muted small">Not emailed: {reset.email_error}</p>}
            <CopyField label="Password-reset link" value={reset.link} />
            <button type="button" className="btn btn-sm" onClick={() => setReset(null)}>
              Done
            </button>
          </div>
        )}
        <table className="table members-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Teams</th>
              <th scope="col">Capacity</th>
              <th scope="col">Availability</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {s.members.map((m) => (
              <MemberRow
                key={m.id}
                m={m}
                self={m.id === s.user.id}
                teams={s.teams}
                busy={change.busy}
                onUpdate={update}
                onTeam={setTeams}
                onReset={() =>
                  change.run(async () => {
                    try {
                      const r = await settingsApi.passwordResetLink(s.workspace.id, m.id);
                      setReset({ name: m.name, ...r });
                    } catch (err) {
                      // A 409 explains itself (for example: the person has not set a password yet).
                      if (err instanceof ApiError && err.status === 409 && err.problem?.detail) throw new Error(err.problem.detail, { cause: err });
                      throw err;
                    }
                  })
                }
                onRemove={() =>
                  change.run(async () => {
                    await settingsApi.removeMember(s.workspace.id, m.id);
                    await s.reloadMembers();
                    return `${m.name} was removed from ${s.workspace.name}.`;
                  })
                }
              />
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}

function MemberRow({
  m,
  self,
  teams,
  busy,
  onUpdate,
  onTeam,
  onReset,
  onRemove,
}: {
  m: Member;
  self: boolean;
  teams: Team[];
  busy: boolean;
  onUpdate: (m: Member, body: { role?: Role; availability?: Availability; capacity?: number }, msg: string) => Promise<boolean>;
  onTeam: (m: Member, t: Team, on: boolean) => Promise<boolean>;
  onReset: () => void;
  onRemove: () => void;
}) {
  const [capacity, setCapacity] = useState(String(m.capacity ?? 0));
  const [teamsOpen, setTeamsOpen] = useState(false);
  // A clicked team checkbox shows its new state until the saved lists arrive.
  const [pending, setPending] = useState<Record<string, boolean>>({});
  const inTeam = (t: Team) => pending[t.id] ?? ((t.member_ids ?? []).includes(m.id) || (m.team_ids ?? []).includes(t.id));
  const mine = teams.filter(inTeam);
  const capId = `cap-${m.id}`;
  const saveCapacity = () => {
    const n = Number(capacity);
    if (capacity.trim() === '' || !Number.isInteger(n) || n < 0 || n > 10000) {
      setCapacity(String(m.capacity ?? 0));
      return;
    }
    if (n !== (m.capacity ?? 0)) onUpdate(m, { capacity: n }, `${m.name}'s capacity is now ${n === 0 ? 'unlimited' : n}.`);
  };
  return (
    <tr>
      <th scope="row">
        <span className="settings-name">
          {m.name}
          {self && <span className="muted"> (you)</span>}
        </span>
        <br />
        <span className="muted small">{m.email}</span>
      </th>
      <td>
        <select
          aria-label={`Role of ${m.name}`}
          value={m.role}
          disabled={busy}
          onChange={(e) => onUpdate(m, { role: e.target.value as Role }, `${m.name} is now ${e.target.value === 'admin' ? 'an admin' : 'an agent'}.`)}
        >
          <option value="admin">Admin</option>
          <option value="agent">Agent</option>
        </select>
      </td>
      <td>
        <span className="small">{mine.length ? mine.map((t) => t.name).join(', ') : <span className="muted">None</span>}</span>
        {teams.length > 0 && (
          <>
            {' '}
            <button type="button" className="btn btn-xs" aria-expanded={teamsOpen} onClick={() => setTeamsOpen((o) => !o)} aria-label={`Teams of ${m.name}`}>
              Change
            </button>
            {teamsOpen && (
              <fieldset className="member-picks">
                <legend className="sr-only">Teams of {m.name}</legend>
                {teams.map((t) => (
                  <label key={t.id} className="check">
                    <input
                      type="checkbox"
                      checked={inTeam(t)}
                      disabled={busy}
                      onChange={(e) => {
                        const on = e.target.checked;
                        setPending((p) => ({ ...p, [t.id]: on }));
                        onTeam(m, t, on).finally(() =>
                          setPending((p) => {
                            const { [t.id]: _, ...rest } = p;
                            return rest;
                          }),
                        );
                      }}
                    />
                    {t.name}
                  </label>
                ))}
              </fieldset>
            )}
          </>
        )}
      </td>
      <td>
        <label className="sr-only" htmlFor={capId}>
          Capacity of {m.name}
        </label>
        <input
          id={capId}
          className="input-num"
          type="number"
          min={0}
          max={10000}
          step={1}
          value={capacity}
          onChange={(e) => setCapacity(e.target.value)}
          onBlur={saveCapacity}
          onKeyDown={(e) => {
            if (e.key === 'Enter') saveCapacity();
          }}
        />
      </td>
      <td>
        <select
          aria-label={`Availability of ${m.name}`}
          value={m.availability}
          disabled={busy}
          onChange={(e) => onUpdate(m, { availability: e.target.value as Availability }, `${m.name} is now ${e.target.value}.`)}
        >
          <option value="online">Online</option>
          <option value="busy">Busy</option>
          <option value="offline">Offline</option>
        </select>
      </td>
      <td className="actions">
        <button type="button" className="btn btn-xs" onClick={onReset} disabled={busy} aria-label={`Send password-reset link to ${m.name}`}>
          Reset link
        </button>
        {!self && <ConfirmButton label="Remove" confirm="Yes, remove" what={m.name} busy={busy} onConfirm={onRemove} />}
      </td>
    </tr>
  );
}
