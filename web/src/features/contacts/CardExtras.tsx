// The client card's sections about the person beyond their fields: tasks,
// notes, and the presets of their new conversations (default assignees and
// who may see them — seed 002).
import { useCallback, useEffect, useState } from 'react';
import { api, request } from '../../api';
import { fullTime } from '../../format';
import type { Member, Page } from '../../types';
import { tasksApi, type Task } from '../tasks/MyTasks';

export interface ContactNote {
  id: string;
  author_id: string;
  author_name: string;
  body: string;
  created_at: string;
}

export interface ContactPresets {
  assignee_ids: string[];
  visible_to: string[] | null;
}

const base = (ws: string, id: string) => `/workspaces/${ws}/contacts/${id}`;

export const extrasApi = {
  notes: (ws: string, id: string) => request<Page<ContactNote>>(`${base(ws, id)}/notes`),
  addNote: (ws: string, id: string, body: string) => request<ContactNote>(`${base(ws, id)}/notes`, { method: 'POST', body: { body } }),
  deleteNote: (ws: string, id: string, note: string) => request<void>(`${base(ws, id)}/notes/${note}`, { method: 'DELETE' }),
  presets: (ws: string, id: string) => request<ContactPresets>(`${base(ws, id)}/presets`),
  setPresets: (ws: string, id: string, p: ContactPresets) => request<ContactPresets>(`${base(ws, id)}/presets`, { method: 'PUT', body: p }),
  tasks: (ws: string, id: string) => request<Page<Task>>(`/workspaces/${ws}/tasks?contact_id=${id}`),
};

function useMembers(ws: string) {
  const [members, setMembers] = useState<Member[]>([]);
  useEffect(() => {
    api.members(ws).then((p) => setMembers(p.items ?? []), () => setMembers([]));
  }, [ws]);
  return members;
}

const nameOf = (members: Member[], id: string) => {
  const m = members.find((x) => x.id === id);
  return m ? m.name || m.email : id;
};

export function TasksSection({ ws, contactId }: { ws: string; contactId: string }) {
  const [tasks, setTasks] = useState<Task[]>([]);
  const [title, setTitle] = useState('');
  const [due, setDue] = useState('');
  const [error, setError] = useState('');
  const load = useCallback(() => {
    extrasApi.tasks(ws, contactId).then((p) => setTasks(p.items ?? []), (e) => setError((e as Error).message));
  }, [ws, contactId]);
  useEffect(load, [load]);
  return (
    <>
      <h3 className="cc-h">Tasks</h3>
      <ul className="cc-list" aria-label="Tasks">
        {tasks.length === 0 && <li className="muted">No tasks.</li>}
        {tasks.map((t) => (
          <li key={t.id} className={t.overdue && !t.done ? 'task-overdue' : undefined}>
            <label>
              <input
                type="checkbox"
                checked={t.done}
                disabled={t.done}
                aria-label={'Done: ' + t.title}
                onChange={() => tasksApi.done(ws, t.id).then(load, (e) => setError((e as Error).message))}
              />{' '}
              {t.done ? <s>{t.title}</s> : t.title}
            </label>{' '}
            {t.due_at && <span className="muted">{(t.overdue && !t.done ? 'overdue · ' : 'due ') + fullTime(t.due_at)}</span>}
          </li>
        ))}
      </ul>
      <form
        className="cc-inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            await tasksApi.create(ws, { contact_id: contactId, title, due_at: due ? new Date(due).toISOString() : undefined });
            setTitle('');
            setDue('');
            setError('');
            load();
          } catch (err) {
            setError((err as Error).message);
          }
        }}
      >
        <input aria-label="New task" placeholder="New task…" value={title} onChange={(e) => setTitle(e.target.value)} required />
        <input aria-label="Task due" type="datetime-local" value={due} onChange={(e) => setDue(e.target.value)} />
        <button type="submit" className="btn btn-sm">
          Add task
        </button>
      </form>
      {error && (
        <p className="cc-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}

export function NotesSection({ ws, contactId, meId, isAdmin }: { ws: string; contactId: string; meId: string; isAdmin: boolean }) {
  const [notes, setNotes] = useState<ContactNote[]>([]);
  const [body, setBody] = useState('');
  const [error, setError] = useState('');
  const load = useCallback(() => {
    extrasApi.notes(ws, contactId).then((p) => setNotes(p.items ?? []), (e) => setError((e as Error).message));
  }, [ws, contactId]);
  useEffect(load, [load]);
  return (
    <>
      <h3 className="cc-h">Notes</h3>
      <form
        className="cc-inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            await extrasApi.addNote(ws, contactId, body);
            setBody('');
            setError('');
            load();
          } catch (err) {
            setError((err as Error).message);
          }
        }}
      >
        <textarea aria-label="New note about the person" placeholder="A note about this person…" value={body} onChange={(e) => setBody(e.target.value)} rows={2} />
        <button type="submit" className="btn btn-sm" disabled={!body.trim()}>
          Add note
        </button>
      </form>
      <ul className="cc-list" aria-label="Notes">
        {notes.map((n) => (
          <li key={n.id}>
            <p className="cc-note">{n.body}</p>
            <span className="muted">
              {n.author_name || 'Someone'} · {fullTime(n.created_at)}
            </span>{' '}
            {(n.author_id === meId || isAdmin) && (
              <button
                type="button"
                className="btn btn-ghost btn-xs"
                aria-label={'Delete note: ' + n.body.slice(0, 40)}
                onClick={() => extrasApi.deleteNote(ws, contactId, n.id).then(load, (e) => setError((e as Error).message))}
              >
                Delete
              </button>
            )}
          </li>
        ))}
      </ul>
      {error && (
        <p className="cc-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}

/** PresetsSection shows the presets to everyone and lets admins edit them. */
export function PresetsSection({ ws, contactId, isAdmin }: { ws: string; contactId: string; isAdmin: boolean }) {
  const members = useMembers(ws);
  const [p, setP] = useState<ContactPresets | null>(null);
  const [editing, setEditing] = useState<ContactPresets | null>(null);
  const [error, setError] = useState('');
  const load = useCallback(() => {
    extrasApi.presets(ws, contactId).then(setP, (e) => setError((e as Error).message));
  }, [ws, contactId]);
  useEffect(load, [load]);
  if (!p) return null;
  const toggle = (list: string[], id: string) => (list.includes(id) ? list.filter((x) => x !== id) : [...list, id]);
  return (
    <>
      <h3 className="cc-h">New conversations</h3>
      {!editing && (
        <div aria-label="Presets">
          <p>
            Assigned to:{' '}
            {p.assignee_ids.length ? p.assignee_ids.map((id) => nameOf(members, id)).join(', ') : <span className="muted">routing decides</span>}
          </p>
          <p>
            Visible to:{' '}
            {p.visible_to === null ? <span className="muted">everyone</span> : p.visible_to.map((id) => nameOf(members, id)).join(', ')}
          </p>
          {isAdmin && (
            <button type="button" className="btn btn-sm" onClick={() => setEditing({ assignee_ids: [...p.assignee_ids], visible_to: p.visible_to && [...p.visible_to] })}>
              Edit presets
            </button>
          )}
        </div>
      )}
      {editing && (
        <form
          aria-label="Edit presets"
          onSubmit={async (e) => {
            e.preventDefault();
            try {
              setP(await extrasApi.setPresets(ws, contactId, editing));
              setEditing(null);
              setError('');
            } catch (err) {
              setError((err as Error).message);
            }
          }}
        >
          <fieldset>
            <legend>Default assignees</legend>
            {members.map((m) => (
              <label key={m.id} className="check">
                <input
                  type="checkbox"
                  checked={editing.assignee_ids.includes(m.id)}
                  onChange={() => setEditing({ ...editing, assignee_ids: toggle(editing.assignee_ids, m.id) })}
                />{' '}
                {m.name || m.email}
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>Who sees their conversations</legend>
            <label className="check">
              <input
                type="checkbox"
                checked={editing.visible_to !== null}
                onChange={(e) => setEditing({ ...editing, visible_to: e.target.checked ? [] : null })}
              />{' '}
              Only the people chosen (and the assignees)
            </label>
            {editing.visible_to !== null &&
              members.map((m) => (
                <label key={m.id} className="check">
                  <input
                    type="checkbox"
                    aria-label={'Visible to ' + (m.name || m.email)}
                    checked={editing.visible_to!.includes(m.id)}
                    onChange={() => setEditing({ ...editing, visible_to: toggle(editing.visible_to!, m.id) })}
                  />{' '}
                  {m.name || m.email}
                </label>
              ))}
          </fieldset>
          <button type="submit" className="btn btn-sm btn-primary">
            Save presets
          </button>{' '}
          <button type="button" className="btn btn-sm" onClick={() => setEditing(null)}>
            Cancel
          </button>
        </form>
      )}
      {error && (
        <p className="cc-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
