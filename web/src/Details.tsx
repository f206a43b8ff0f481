// The right panel: the contact card and the conversation's details, with the
// actions the API offers (status, snooze, assign, team, priority, pin,
// visibility, AI mode, delete).
import { useEffect, useRef, useState } from 'react';
import { api } from './api';
import { AI_MODE_LABELS, channelLabel, fullTime, PRIORITY_LABELS, STATUS_LABELS } from './format';
import { navigate } from './router';
import { useSession } from './session';
import { PRIORITIES, type AIMode, type Contact, type Conversation, type Priority, type Status } from './types';
import { Avatar, ChannelIcon } from './ui';
import { workdayApi, type AgentLoad } from './features/workday/api';
import { NamesEditor } from './features/labels/NamesEditor';
import { diffNames, useCatalogue } from './features/labels/labels';

export function ContactCard({ contactId, fallbackName, version }: { contactId: string; fallbackName: string; version: number }) {
  const { workspace } = useSession();
  const [contact, setContact] = useState<Contact | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    setError('');
    api
      .contact(workspace.id, contactId)
      .then((c) => live && setContact(c))
      .catch((e) => live && setError((e as Error).message));
    return () => {
      live = false;
    };
  }, [workspace.id, contactId, version]);
  useEffect(() => setContact(null), [contactId]);

  const c = contact;
  const name = c?.name || fallbackName || 'Unknown contact';
  const rows: [string, string | undefined][] = [
    ['Email', c?.email],
    ['Phone', c?.phone],
    ['Company', c?.company],
    ['Title', c?.title],
  ];
  return (
    <section className="card" aria-labelledby="contact-heading">
      <div className="contact-head">
        <Avatar name={name} url={c?.avatar_url} id={contactId} size={40} />
        <div>
          <h2 id="contact-heading" className="card-title">
            {name}
          </h2>
          {c?.blocked && <span className="tag tag-danger">Blocked</span>}
        </div>
      </div>
      {error && <p className="form-error">{error}</p>}
      <dl className="props">
        {rows.map(([k, v]) => (
          <div key={k} className="prop">
            <dt>{k}</dt>
            <dd className={v ? '' : 'muted'}>{v || '—'}</dd>
          </div>
        ))}
        <div className="prop">
          <dt>Tags</dt>
          <dd>
            {c?.tags && c.tags.length > 0 ? (
              <ul className="tags" aria-label="Contact tags">
                {c.tags.map((t) => (
                  <li key={t} className="tag">
                    {t}
                  </li>
                ))}
              </ul>
            ) : (
              <span className="muted">—</span>
            )}
          </dd>
        </div>
      </dl>
    </section>
  );
}

const EDITABLE_STATUSES: Status[] = ['queued', 'open', 'pending', 'resolved'];

/** SNOOZE_PRESETS are the wake-up times offered; the server wakes the conversation then. */
export const SNOOZE_PRESETS: { key: string; label: string; at: (now: Date) => Date }[] = [
  { key: '1h', label: 'For 1 hour', at: (now) => new Date(now.getTime() + 3600_000) },
  { key: '4h', label: 'For 4 hours', at: (now) => new Date(now.getTime() + 4 * 3600_000) },
  {
    key: 'tomorrow',
    label: 'Until tomorrow 09:00',
    at: (now) => {
      const d = new Date(now);
      d.setDate(d.getDate() + 1);
      d.setHours(9, 0, 0, 0);
      return d;
    },
  },
  {
    key: 'week',
    label: 'Until Monday 09:00',
    at: (now) => {
      const d = new Date(now);
      d.setDate(d.getDate() + (((8 - d.getDay()) % 7) || 7));
      d.setHours(9, 0, 0, 0);
      return d;
    },
  },
];

export function ConversationDetails({
  conversation: saved,
  onChange,
  onDeleted,
}: {
  conversation: Conversation;
  onChange: (c: Conversation) => void;
  onDeleted?: (id: string) => void;
}) {
  const { workspace, members, teams, user, reloadMembers } = useSession();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [assignOpen, setAssignOpen] = useState(false);
  // Presence and load of each agent (GET …/agents), fetched when the pop-up opens.
  const [agentLoads, setAgentLoads] = useState<Map<string, AgentLoad>>(new Map());
  // The change being saved, shown at once (optimistically) until the server answers.
  const [pending, setPending] = useState<Partial<Conversation> | null>(null);
  const assignRef = useRef<HTMLDivElement>(null);
  const assignButton = useRef<HTMLButtonElement>(null);
  const c: Conversation = pending ? { ...saved, ...pending } : saved;
  const catalogue = useCatalogue(workspace.id);
  const assignees = c.assignee_ids ?? [];

  async function patch(body: Parameters<typeof api.updateConversation>[2]) {
    setBusy(true);
    setError('');
    setPending(body as Partial<Conversation>);
    try {
      onChange(await api.updateConversation(workspace.id, saved.id, body));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setPending(null);
      setBusy(false);
    }
  }

  /** editNames sends only what changed, so a colleague's concurrent label edit is kept. */
  async function editNames(field: 'labels' | 'tags', names: string[]) {
    setBusy(true);
    setError('');
    try {
      onChange(await api.editNames(workspace.id, saved.id, field, diffNames(saved[field], names)));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  function toggleAssignee(id: string, on: boolean) {
    const next = on ? Array.from(new Set([...assignees, id])) : assignees.filter((x) => x !== id);
    // A choice closes the pop-up, so it never covers the other controls.
    setAssignOpen(false);
    assignButton.current?.focus();
    // With a visibility list, an assignee must be on it: add them with the assignment.
    const vis = c.visible_to;
    if (on && vis && !vis.includes(id)) patch({ assignee_ids: next, visible_to: [...vis, id] });
    else patch({ assignee_ids: next });
  }

  const isAdmin = workspace.role === 'admin';
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [pinned, setPinned] = useState(!!saved.pinned);
  useEffect(() => setPinned(!!saved.pinned), [saved.id, saved.pinned]);

  async function togglePin() {
    const next = !pinned;
    setPinned(next);
    setError('');
    try {
      await api.pin(workspace.id, saved.id, next);
      onChange({ ...saved, pinned: next });
    } catch (err) {
      setPinned(!next);
      setError((err as Error).message);
    }
  }

  async function remove() {
    setBusy(true);
    setError('');
    try {
      await api.deleteConversation(workspace.id, saved.id);
      setConfirmDelete(false);
      onDeleted?.(saved.id);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const visibleTo = c.visible_to ?? null;
  function setVisibility(list: string[] | null) {
    patch({ visible_to: list });
  }

  useEffect(() => {
    if (!assignOpen) return;
    const onDoc = (e: MouseEvent) => {
      if (assignRef.current && !assignRef.current.contains(e.target as Node)) setAssignOpen(false);
    };
    document.addEventListener('mousedown', onDoc);
    return () => document.removeEventListener('mousedown', onDoc);
  }, [assignOpen]);

  const names = assignees.map((id) => members.find((m) => m.id === id)?.name ?? 'Unknown agent');
  const statusOptions = EDITABLE_STATUSES.includes(c.status) ? EDITABLE_STATUSES : [c.status, ...EDITABLE_STATUSES];

  return (
    <section className="card" aria-labelledby="details-heading" aria-busy={busy}>
      <h2 id="details-heading" className="card-title">
        Conversation #{c.number}
      </h2>
      <dl className="props">
        <div className="prop">
          <dt>Channel</dt>
          <dd className="with-icon">
            <ChannelIcon channel={c.inbox?.channel} /> {channelLabel(c.inbox?.channel)} · {c.inbox?.name}
          </dd>
        </div>
        <div className="prop">
          <dt>Created</dt>
          <dd>{fullTime(c.created_at)}</dd>
        </div>
      </dl>

      <div className="control">
        <label htmlFor="status-select">Status</label>
        <select
          id="status-select"
          value={c.status}
          onChange={(e) => patch({ status: e.target.value as Status })}
        >
          {statusOptions.map((s) => (
            <option key={s} value={s} disabled={!EDITABLE_STATUSES.includes(s)}>
              {STATUS_LABELS[s] ?? s}
            </option>
          ))}
        </select>
      </div>

      <div className="control">
        <label htmlFor="snooze-select">Snooze</label>
        <select
          id="snooze-select"
          value=""
          onChange={(e) => {
            const preset = SNOOZE_PRESETS.find((p) => p.key === e.target.value);
            if (preset) patch({ status: 'snoozed', snoozed_until: preset.at(new Date()).toISOString() });
          }}
        >
          <option value="">{c.status === 'snoozed' && c.snoozed_until ? `Until ${fullTime(c.snoozed_until)}` : 'Not snoozed'}</option>
          {SNOOZE_PRESETS.map((p) => (
            <option key={p.key} value={p.key}>
              {p.label}
            </option>
          ))}
        </select>
      </div>

      <div className="control" ref={assignRef}>
        <span className="control-label" id="assignees-label">
          Assignees
        </span>
        <div className="assignees">
          {names.length ? (
            <ul className="chips" aria-labelledby="assignees-label">
              {assignees.map((id, i) => {
                const m = members.find((x) => x.id === id);
                return (
                  <li key={id} className="chip">
                    <Avatar name={names[i]} url={m?.avatar_url} id={id} size={20} />
                    {names[i]}
                  </li>
                );
              })}
            </ul>
          ) : (
            <span className="muted">Unassigned</span>
          )}
        </div>
        <div className="row gap">
          <button
            type="button"
            ref={assignButton}
            className="btn btn-sm"
            aria-expanded={assignOpen}
            aria-controls="assign-menu"
            onClick={() => {
              // Colleagues may have joined since the app loaded.
              if (!assignOpen) {
                reloadMembers().catch(() => {});
                workdayApi.agents(workspace.id).then(
                  (r) => setAgentLoads(new Map((r.items ?? []).map((a) => [a.user_id, a]))),
                  () => {},
                );
              }
              setAssignOpen((o) => !o);
            }}
          >
            Assign…
          </button>
          {!assignees.includes(user.id) && (
            <button
              type="button"
              className="btn btn-sm"
              onClick={() => toggleAssignee(user.id, true)}
              aria-keyshortcuts="Alt+A"
            >
              Assign to me
            </button>
          )}
        </div>
        {assignOpen && (
          <fieldset
            id="assign-menu"
            className="popover"
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                e.stopPropagation();
                setAssignOpen(false);
                assignButton.current?.focus();
              }
            }}
          >
            <legend>Assign to</legend>
            {members.map((m) => (
              <label key={m.id} className="check">
                <input
                  type="checkbox"
                  checked={assignees.includes(m.id)}
                  onChange={(e) => toggleAssignee(m.id, e.target.checked)}
                />
                <Avatar name={m.name} url={m.avatar_url} id={m.id} size={20} />
                {m.name}
                {m.id === user.id ? ' (you)' : ''}
                <span className={'presence presence-' + m.availability}>{m.availability}</span>
                {(() => {
                  const connected = agentLoads.get(m.id)?.connected ?? m.connected;
                  return connected === undefined ? null : (
                    <span className={'connected' + (connected ? ' connected-on' : '')}>{connected ? 'connected' : 'away'}</span>
                  );
                })()}
                {agentLoads.get(m.id) && <span className="agent-load muted">{agentLoads.get(m.id)!.load_label}</span>}
              </label>
            ))}
          </fieldset>
        )}
      </div>

      <div className="control">
        <label htmlFor="team-select">Team</label>
        {teams.length > 0 ? (
          <select id="team-select" value={c.team_id ?? ''} onChange={(e) => patch({ team_id: e.target.value || null })}>
            <option value="">No team</option>
            {teams.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        ) : (
          <p className="hint" id="team-select">
            No teams yet.{' '}
            <a
              href="/settings/teams"
              onClick={(e) => {
                e.preventDefault();
                navigate('/settings/teams');
              }}
            >
              Create a team
            </a>
          </p>
        )}
      </div>

      <div className="control">
        <label htmlFor="priority-select">Priority</label>
        <select id="priority-select" value={c.priority || 'none'} onChange={(e) => patch({ priority: e.target.value as Priority })}>
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {PRIORITY_LABELS[p]}
            </option>
          ))}
        </select>
      </div>

      <div className="control">
        <span className="control-label">Pin</span>
        <button type="button" className="btn btn-sm" aria-pressed={pinned} onClick={togglePin}>
          {pinned ? 'Pinned — unpin' : 'Pin for me'}
        </button>
      </div>

      <fieldset className="control visibility">
        <legend className="control-label">Visible to</legend>
        <label className="check">
          <input type="radio" name="visible-to" checked={visibleTo === null} onChange={() => setVisibility(null)} />
          Everyone
        </label>
        <label className="check">
          <input
            type="radio"
            name="visible-to"
            checked={visibleTo !== null}
            // Start with whoever must keep it: the assignees, and you.
            onChange={() => setVisibility(Array.from(new Set([...assignees, user.id])))}
          />
          These users
        </label>
        {visibleTo !== null && (
          <ul className="visible-list" aria-label="Users who can see this conversation">
            {members.map((m) => {
              const assigned = assignees.includes(m.id);
              const on = visibleTo.includes(m.id);
              return (
                <li key={m.id}>
                  <label className="check">
                    <input
                      type="checkbox"
                      checked={on || assigned}
                      disabled={assigned || m.role === 'admin'}
                      onChange={(e) =>
                        setVisibility(e.target.checked ? [...visibleTo, m.id] : visibleTo.filter((x) => x !== m.id))
                      }
                    />
                    {m.name}
                    {m.id === user.id ? ' (you)' : ''}
                    {m.role === 'admin' ? <span className="muted"> · admin, sees all</span> : assigned ? <span className="muted"> · assigned</span> : null}
                  </label>
                </li>
              );
            })}
          </ul>
        )}
        <p className="hint">
          Admins always see every conversation. Assignees always see it: an assignee must be on the list, so assigning
          someone adds them, and to take someone off the list, unassign them first.
        </p>
      </fieldset>

      <div className="control">
        <label htmlFor="ai-select">AI mode</label>
        <select
          id="ai-select"
          value={c.ai_mode}
          onChange={(e) => patch({ ai_mode: e.target.value as AIMode })}
        >
          {(['active', 'paused', 'manual'] as AIMode[]).map((m) => (
            <option key={m} value={m}>
              {AI_MODE_LABELS[m]}
            </option>
          ))}
        </select>
      </div>

      <NamesEditor title="Labels" names={c.labels} cat={catalogue.cat.labels} disabled={busy} onChange={(labels) => editNames('labels', labels)} />
      <NamesEditor title="Tags" names={c.tags} cat={catalogue.cat.tags} disabled={busy} onChange={(tags) => editNames('tags', tags)} />
      {isAdmin && (
        <div className="control">
          <button type="button" className="btn btn-sm btn-danger" onClick={() => setConfirmDelete(true)}>
            Delete conversation…
          </button>
        </div>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {confirmDelete && (
        <ConfirmDialog
          title={`Delete conversation #${c.number}?`}
          body="Its messages disappear for everyone. This cannot be undone."
          confirm="Delete"
          busy={busy}
          onConfirm={remove}
          onCancel={() => setConfirmDelete(false)}
        />
      )}
    </section>
  );
}

/** ConfirmDialog asks before something that cannot be undone; Esc or Cancel backs out. */
export function ConfirmDialog({
  title,
  body,
  confirm,
  busy,
  onConfirm,
  onCancel,
}: {
  title: string;
  body: string;
  confirm: string;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    cancelRef.current?.focus();
    return () => previous?.focus?.();
  }, []);
  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && onCancel()}>
      <div
        className="dialog dialog-confirm"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="confirm-title"
        aria-describedby="confirm-body"
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            onCancel();
          } else if (e.key === 'Tab') {
            e.preventDefault();
            (document.activeElement === cancelRef.current ? confirmRef : cancelRef).current?.focus();
          }
        }}
      >
        <h2 id="confirm-title">{title}</h2>
        <p id="confirm-body">{body}</p>
        <div className="row gap dialog-actions">
          <button ref={cancelRef} type="button" className="btn btn-sm" onClick={onCancel}>
            Cancel
          </button>
          <button ref={confirmRef} type="button" className="btn btn-sm btn-danger" disabled={busy} onClick={onConfirm}>
            {confirm}
          </button>
        </div>
      </div>
    </div>
  );
}
