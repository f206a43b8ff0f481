// "My tasks" in the sidebar (seed 001 "Add Task", seed 000 "Task Overdue"):
// the open tasks assigned to me, overdue ones marked, done with a tick; and
// the thread's "Add task" form for the open conversation's contact.
import { useCallback, useEffect, useState } from 'react';
import { request } from '../../api';
import { navigate } from '../../router';
import type { Conversation, Member, Page } from '../../types';
import { useCollabEvents } from '../collab/bus';

export interface Task {
  id: string;
  contact_id: string;
  conversation_id?: string;
  title: string;
  notes: string;
  due_at: string | null;
  assignee_id?: string;
  done: boolean;
  overdue: boolean;
}

export const tasksApi = {
  mine: (ws: string) => request<Page<Task>>(`/workspaces/${ws}/tasks?mine=true&open=true`),
  create: (ws: string, body: Record<string, unknown>) => request<Task>(`/workspaces/${ws}/tasks`, { method: 'POST', body }),
  done: (ws: string, id: string) => request<Task>(`/workspaces/${ws}/tasks/${id}`, { method: 'PATCH', body: { done: true } }),
};

export function MyTasks({ ws, meId }: { ws: string; meId: string }) {
  const [tasks, setTasks] = useState<Task[]>([]);
  const reload = useCallback(() => {
    tasksApi.mine(ws).then(
      (p) => setTasks(p.items ?? []),
      () => {},
    );
  }, [ws]);
  useEffect(() => {
    reload();
  }, [reload]);
  useTaskEvents(meId, reload);
  if (tasks.length === 0) return null;
  const overdue = tasks.filter((t) => t.overdue).length;
  return (
    <section className="internal my-tasks" aria-label="My tasks">
      <div className="internal-head">
        <h2>
          My tasks {overdue > 0 && <span className="tag tag-overdue">{overdue} overdue</span>}
        </h2>
      </div>
      <ul className="internal-list">
        {tasks.map((t) => (
          <li key={t.id} className={'task' + (t.overdue ? ' task-overdue' : '')} data-overdue={t.overdue ? 'true' : 'false'}>
            <input
              type="checkbox"
              aria-label={`Done: ${t.title}`}
              onChange={async () => {
                await tasksApi.done(ws, t.id).catch(() => {});
                reload();
              }}
            />
            <button type="button" className="linkish" onClick={() => t.conversation_id && navigate('/conversations/' + t.conversation_id)}>
              {t.title}
            </button>
            {t.due_at && <span className="muted task-due">{t.overdue ? 'Overdue · ' : ''}{new Date(t.due_at).toLocaleString()}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

function useTaskEvents(meId: string, reload: () => void) {
  // Tasks change rarely: any task event reloads the list.
  useCollabEvents((e) => {
    if (e.type.startsWith('task.')) reload();
  });
  void meId;
}

export function AddTask({ ws, conversation, members, meId }: { ws: string; conversation: Conversation; members: Member[]; meId: string }) {
  const [open, setOpen] = useState(false);
  const [title, setTitle] = useState('');
  const [due, setDue] = useState('');
  const [assignee, setAssignee] = useState(meId);
  const [error, setError] = useState('');
  const close = () => {
    setOpen(false);
    setTitle('');
    setDue('');
    setError('');
  };
  return (
    <>
      <button type="button" className="btn btn-sm" onClick={() => setOpen(true)}>
        Add task
      </button>
      {open && (
        <div className="backdrop" onClick={close}>
          <form
            className="dialog dialog-confirm"
            role="dialog"
            aria-modal="true"
            aria-label="Add a task"
            onClick={(e) => e.stopPropagation()}
            onSubmit={async (e) => {
              e.preventDefault();
              try {
                await tasksApi.create(ws, {
                  conversation_id: conversation.id,
                  title,
                  due_at: due ? new Date(due).toISOString() : undefined,
                  assignee_id: assignee || undefined,
                });
                close();
              } catch (err) {
                setError((err as Error).message);
              }
            }}
          >
            <h2>Add a task</h2>
            <label className="field">
              <span>Title</span>
              <input value={title} onChange={(e) => setTitle(e.target.value)} required />
            </label>
            <label className="field">
              <span>Due</span>
              <input type="datetime-local" value={due} onChange={(e) => setDue(e.target.value)} />
            </label>
            <label className="field">
              <span>Assignee</span>
              <select value={assignee} onChange={(e) => setAssignee(e.target.value)}>
                <option value="">Nobody</option>
                {members.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.name || m.email}
                  </option>
                ))}
              </select>
            </label>
            {error && (
              <p className="form-error" role="alert">
                {error}
              </p>
            )}
            <div className="dialog-actions">
              <button type="button" className="btn" onClick={close}>
                Cancel
              </button>
              <button type="submit" className="btn btn-primary" disabled={!title.trim()}>
                Add task
              </button>
            </div>
          </form>
        </div>
      )}
    </>
  );
}
