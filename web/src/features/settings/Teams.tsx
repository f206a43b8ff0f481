// Teams: list, create, rename, delete, and who is in each.
import { useEffect, useState, type FormEvent } from 'react';
import { useSession } from '../../session';
import type { Member, Team } from '../../types';
import { settingsApi } from './api';
import type { RoutingPolicy } from '../workday/api';

const POLICIES: { value: RoutingPolicy; label: string }[] = [
  { value: 'manual', label: 'Manual (agents pick)' },
  { value: 'round_robin', label: 'Round robin' },
  { value: 'least_busy', label: 'Least busy' },
];
import { ConfirmButton, Result, useAction } from './shared';

export function TeamsPage() {
  const s = useSession();
  const ws = s.workspace.id;
  const [teams, setTeams] = useState<Team[] | null>(null);
  const [name, setName] = useState('');
  const load = useAction();
  const create = useAction();
  const change = useAction();
  const { reloadTeams } = s;

  const { run: runLoad } = load;
  useEffect(() => {
    runLoad(async () => {
      const p = await settingsApi.teams(ws);
      setTeams(p.items ?? []);
    });
  }, [runLoad, ws]);

  function changed(next: (l: Team[]) => Team[]) {
    setTeams((l) => next(l ?? []));
    reloadTeams?.().catch(() => {});
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    create.run(async () => {
      const t = await settingsApi.createTeam(ws, name.trim());
      changed((l) => [...l, t]);
      setName('');
      return `Team “${t.name}” created. Add its members below.`;
    });
  }

  return (
    <>
      <section className="panel" aria-labelledby="team-new">
        <h2 id="team-new">New team</h2>
        <p className="muted">A team groups agents (Sales, Support…); an inbox can send its conversations to a team.</p>
        <form className="row gap wrap end-y" onSubmit={submit} aria-label="New team">
          <label className="field grow">
            <span>Team name</span>
            <input name="team_name" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <button type="submit" className="btn btn-primary" disabled={create.busy}>
            {create.busy ? 'Creating…' : 'Create team'}
          </button>
        </form>
        <Result error={create.error} ok={create.ok} />
      </section>
      <section className="panel" aria-labelledby="team-list">
        <h2 id="team-list">Teams</h2>
        <Result error={load.error || change.error} ok={change.ok} />
        {!teams && !load.error && <p className="muted">Loading teams…</p>}
        {teams && teams.length === 0 && <p className="muted">No teams yet. Create one above when your agents split the work.</p>}
        {teams && teams.length > 0 && (
          <ul className="settings-list" aria-label="Teams">
            {teams.map((t) => (
              <TeamRow
                key={t.id}
                team={t}
                members={s.members}
                busy={change.busy}
                onSave={(body, msg) =>
                  change.run(async () => {
                    const u = await settingsApi.updateTeam(ws, t.id, body);
                    changed((l) => l.map((x) => (x.id === t.id ? { ...x, ...u } : x)));
                    s.reloadMembers().catch(() => {});
                    return msg;
                  })
                }
                onDelete={() =>
                  change.run(async () => {
                    await settingsApi.deleteTeam(ws, t.id);
                    changed((l) => l.filter((x) => x.id !== t.id));
                    s.reloadMembers().catch(() => {});
                    return `Team “${t.name}” deleted.`;
                  })
                }
              />
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function TeamRow({
  team,
  members,
  busy,
  onSave,
  onDelete,
}: {
  team: Team;
  members: Member[];
  busy: boolean;
  onSave: (body: { name?: string; member_ids?: string[]; routing_policy?: RoutingPolicy }, msg: string) => Promise<boolean>;
  onDelete: () => void;
}) {
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(team.name);
  const [open, setOpen] = useState(false);
  // The checkboxes show a click at once; the saved list replaces it after the answer.
  const [pendingIds, setPendingIds] = useState<string[] | null>(null);
  const ids = pendingIds ?? team.member_ids ?? [];
  const names = members.filter((m) => ids.includes(m.id)).map((m) => m.name);
  return (
    <li className="settings-item settings-item-block">
      <div className="row gap center-y wrap">
        {renaming ? (
          <form
            className="row gap end-y grow"
            aria-label={`Rename team ${team.name}`}
            onSubmit={async (e) => {
              e.preventDefault();
              if (await onSave({ name: name.trim() }, `Team renamed to “${name.trim()}”.`)) setRenaming(false);
            }}
          >
            <label className="field grow">
              <span>Team name</span>
              <input required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} autoFocus />
            </label>
            <button type="submit" className="btn btn-sm btn-primary" disabled={busy}>
              Save
            </button>
            <button type="button" className="btn btn-sm" onClick={() => setRenaming(false)}>
              Cancel
            </button>
          </form>
        ) : (
          <>
            <span className="settings-name grow">{team.name}</span>
            <span className="muted small">
              {ids.length === 0 ? 'No members' : ids.length === 1 ? '1 member' : `${ids.length} members`}
            </span>
            <label className="routing-policy">
              <span className="sr-only">Routing of {team.name}</span>
              <select
                aria-label={`Routing of ${team.name}`}
                value={team.routing_policy ?? 'manual'}
                disabled={busy}
                onChange={(e) => {
                  const v = e.target.value as RoutingPolicy;
                  onSave({ routing_policy: v }, `${team.name} now routes: ${POLICIES.find((p) => p.value === v)?.label}.`);
                }}
              >
                {POLICIES.map((p) => (
                  <option key={p.value} value={p.value}>
                    {p.label}
                  </option>
                ))}
              </select>
            </label>
            <span className="actions">
              <button type="button" className="btn btn-sm" aria-expanded={open} onClick={() => setOpen((o) => !o)} aria-label={`Members of ${team.name}`}>
                Members
              </button>
              <button type="button" className="btn btn-sm" onClick={() => setRenaming(true)} aria-label={`Rename ${team.name}`}>
                Rename
              </button>
              <ConfirmButton label="Delete" confirm="Yes, delete" what={team.name} busy={busy} onConfirm={onDelete} />
            </span>
          </>
        )}
      </div>
      {!open && names.length > 0 && <p className="muted small">{names.join(', ')}</p>}
      {open && (
        <fieldset className="member-picks">
          <legend>Members of {team.name}</legend>
          {members.map((m) => (
            <label key={m.id} className="check">
              <input
                type="checkbox"
                checked={ids.includes(m.id)}
                disabled={busy}
                onChange={(e) => {
                  const on = e.target.checked;
                  const next = on ? [...ids, m.id] : ids.filter((x) => x !== m.id);
                  setPendingIds(next);
                  onSave({ member_ids: next }, `${m.name} ${on ? 'added to' : 'removed from'} ${team.name}.`).finally(() =>
                    setPendingIds(null),
                  );
                }}
              />
              {m.name} <span className="muted">{m.email}</span>
            </label>
          ))}
        </fieldset>
      )}
    </li>
  );
}
