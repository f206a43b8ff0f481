// Canned replies (seeds 001, 003, 004): create, edit and delete, personal
// or shared with the workspace (shared ones by admins), grouped by
// category, with the list of variables beside the body: hovering one says
// what it is filled with, clicking inserts it at the caret.
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { request } from '../../api';
import { useSession } from '../../session';
import type { Page } from '../../types';
import type { CannedReply } from '../collab/api';
import { contactsApi } from '../contacts/api';
import { ConfirmButton, Result, useAction } from '../settings/shared';

export const cannedApi = {
  list: (ws: string) => request<Page<CannedReply & { owner_id?: string }>>(`/workspaces/${ws}/canned-replies`),
  create: (ws: string, body: CannedBody) => request<CannedReply>(`/workspaces/${ws}/canned-replies`, { method: 'POST', body }),
  update: (ws: string, id: string, body: CannedBody) => request<CannedReply>(`/workspaces/${ws}/canned-replies/${id}`, { method: 'PATCH', body }),
  remove: (ws: string, id: string) => request<void>(`/workspaces/${ws}/canned-replies/${id}`, { method: 'DELETE' }),
};

export interface CannedBody {
  short_code: string;
  title: string;
  category: string;
  body: string;
  shared: boolean;
}

/** VARIABLES are the names the server fills (internal/canned), with what each holds. */
export const VARIABLES: { name: string; about: string }[] = [
  { name: 'contact.first_name', about: 'The contact’s first name' },
  { name: 'contact.name', about: 'The contact’s full name' },
  { name: 'contact.email', about: 'The contact’s email address' },
  { name: 'contact.phone', about: 'The contact’s phone number' },
  { name: 'contact.company', about: 'The contact’s company' },
  { name: 'agent.name', about: 'Your name (the agent who sends it)' },
  { name: 'conversation.number', about: 'The conversation’s number' },
  { name: 'first_name', about: 'Short form of contact.first_name' },
  { name: 'email', about: 'Short form of contact.email' },
  { name: 'agent_name', about: 'Short form of agent.name' },
];

/** groupByCategory sorts replies into categories (uncategorised last), each by short code. */
export function groupByCategory<T extends { category: string; short_code: string }>(l: T[]): [string, T[]][] {
  const m = new Map<string, T[]>();
  for (const r of l) {
    const k = r.category.trim();
    m.set(k, [...(m.get(k) ?? []), r]);
  }
  return [...m.entries()]
    .sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)))
    .map(([k, v]) => [k, v.sort((a, b) => a.short_code.localeCompare(b.short_code))]);
}

const EMPTY: CannedBody = { short_code: '', title: '', category: '', body: '', shared: false };

export function CannedPage() {
  const { workspace, user } = useSession();
  const admin = workspace.role === 'admin';
  const [list, setList] = useState<(CannedReply & { owner_id?: string })[] | null>(null);
  const [editing, setEditing] = useState<string | null>(null); // '' = new
  const [attrs, setAttrs] = useState<{ name: string; about: string }[]>([]);
  const load = useAction();
  const act = useAction();

  const { run: runLoad } = load;
  useEffect(() => {
    runLoad(async () => {
      const p = await cannedApi.list(workspace.id);
      setList(p.items ?? []);
    });
    contactsApi.attributes(workspace.id).then(
      (p) => setAttrs((p?.items ?? []).map((a) => ({ name: 'contact.' + a.key, about: `Custom attribute: ${a.label}` }))),
      () => {},
    );
  }, [runLoad, workspace.id]);

  const groups = useMemo(() => groupByCategory(list ?? []), [list]);
  const categories = useMemo(() => groups.map(([k]) => k).filter(Boolean), [groups]);
  const mayChange = (r: CannedReply & { owner_id?: string }) => (r.shared ? admin : r.owner_id === undefined || r.owner_id === user.id);
  const current = editing ? list?.find((r) => r.id === editing) : undefined;

  return (
    <section className="panel canned-page" aria-labelledby="canned-title">
      <div className="panel-head">
        <h2 id="canned-title">Canned replies</h2>
        <button type="button" className="btn btn-primary btn-sm" onClick={() => setEditing('')} disabled={editing === ''}>
          New canned reply
        </button>
      </div>
      <p className="muted">
        Type <kbd>/</kbd> and the short code at the start of a reply, or press <kbd>Ctrl+/</kbd>, to use one. Shared replies are for the whole workspace
        {admin ? '' : ' (an admin shares them)'}; personal ones are yours only.
      </p>
      {editing !== null && (
        <CannedForm
          key={editing}
          initial={current ? { short_code: current.short_code, title: current.title, category: current.category, body: current.body, shared: current.shared } : EMPTY}
          isNew={editing === ''}
          admin={admin}
          categories={categories}
          variables={[...VARIABLES, ...attrs]}
          onCancel={() => setEditing(null)}
          onSave={(body) =>
            act.run(async () => {
              if (editing === '') {
                const r = await cannedApi.create(workspace.id, body);
                setList((l) => [...(l ?? []), { ...r, owner_id: user.id }]);
                setEditing(null);
                return `“/${r.short_code}” was added.`;
              }
              const r = await cannedApi.update(workspace.id, editing, body);
              setList((l) => (l ?? []).map((x) => (x.id === r.id ? { ...x, ...r } : x)));
              setEditing(null);
              return `“/${r.short_code}” was saved.`;
            })
          }
          busy={act.busy}
        />
      )}
      <Result error={load.error || act.error} ok={act.ok} />
      {list && list.length === 0 && <p className="muted">No canned replies yet.</p>}
      {groups.map(([cat, replies]) => (
        <div key={cat} className="canned-group">
          <h3>{cat || 'No category'}</h3>
          <ul className="canned-list" aria-label={cat || 'No category'}>
            {replies.map((r) => (
              <li key={r.id} className="canned-row" data-code={r.short_code}>
                <div className="canned-row-head">
                  <code>/{r.short_code}</code> <strong>{r.title}</strong>{' '}
                  <span className={'tag tag-xs' + (r.shared ? '' : ' tag-personal')}>{r.shared ? 'Shared' : 'Personal'}</span>
                </div>
                <p className="muted canned-body">{r.body}</p>
                {mayChange(r) && (
                  <div className="canned-actions">
                    <button type="button" className="btn btn-sm" onClick={() => setEditing(r.id)} aria-label={`Edit /${r.short_code}`}>
                      Edit
                    </button>
                    <ConfirmButton
                      label="Delete"
                      confirm="Yes, delete"
                      what={'/' + r.short_code}
                      busy={act.busy}
                      onConfirm={() =>
                        act.run(async () => {
                          await cannedApi.remove(workspace.id, r.id);
                          setList((l) => (l ?? []).filter((x) => x.id !== r.id));
                          return `“/${r.short_code}” was deleted.`;
                        })
                      }
                    />
                  </div>
                )}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}

function CannedForm({
  initial,
  isNew,
  admin,
  categories,
  variables,
  onSave,
  onCancel,
  busy,
}: {
  initial: CannedBody;
  isNew: boolean;
  admin: boolean;
  categories: string[];
  variables: { name: string; about: string }[];
  onSave: (b: CannedBody) => void;
  onCancel: () => void;
  busy: boolean;
}) {
  const [b, setB] = useState<CannedBody>(initial);
  const body = useRef<HTMLTextAreaElement>(null);
  const id = useId();
  const set = (k: keyof CannedBody, v: string | boolean) => setB((x) => ({ ...x, [k]: v }));
  function submit(e: FormEvent) {
    e.preventDefault();
    onSave({ ...b, short_code: b.short_code.trim().replace(/^\//, ''), title: b.title.trim(), category: b.category.trim() });
  }
  function insert(name: string) {
    const el = body.current;
    const v = `{{${name}}}`;
    const start = el?.selectionStart ?? b.body.length;
    const end = el?.selectionEnd ?? b.body.length;
    set('body', b.body.slice(0, start) + v + b.body.slice(end));
    setTimeout(() => {
      el?.focus();
      el?.setSelectionRange(start + v.length, start + v.length);
    });
  }
  return (
    <form className="canned-form" onSubmit={submit} aria-label={isNew ? 'New canned reply' : 'Edit canned reply'}>
      <div className="field">
        <label htmlFor={id + 'code'}>Short code</label>
        <input id={id + 'code'} required maxLength={200} value={b.short_code} onChange={(e) => set('short_code', e.target.value)} placeholder="greet" />
      </div>
      <div className="field">
        <label htmlFor={id + 'title'}>Title</label>
        <input id={id + 'title'} maxLength={1000} value={b.title} onChange={(e) => set('title', e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={id + 'cat'}>Category</label>
        <input id={id + 'cat'} list={id + 'cats'} maxLength={1000} value={b.category} onChange={(e) => set('category', e.target.value)} />
        <datalist id={id + 'cats'}>
          {categories.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
      </div>
      <div className="canned-body-row">
        <div className="field">
          <label htmlFor={id + 'body'}>Text</label>
          <textarea id={id + 'body'} ref={body} required rows={5} maxLength={100000} value={b.body} onChange={(e) => set('body', e.target.value)} />
          <span className="muted">
            A variable with no value is kept as written and must be filled in before sending; give a default with{' '}
            <code>{'{{ contact.first_name | default: "there" }}'}</code>.
          </span>
        </div>
        <div className="canned-vars">
          <span className="control-label" id={id + 'vars'}>
            Variables
          </span>
          <ul aria-labelledby={id + 'vars'}>
            {variables.map((v) => (
              <li key={v.name}>
                <button type="button" className="linkish" title={v.about} aria-description={v.about} onClick={() => insert(v.name)}>
                  {'{{' + v.name + '}}'}
                </button>
              </li>
            ))}
          </ul>
        </div>
      </div>
      <label className="check">
        <input type="checkbox" checked={b.shared} disabled={!admin} onChange={(e) => set('shared', e.target.checked)} />
        Shared with the workspace{admin ? '' : ' (admins only)'}
      </label>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {isNew ? 'Add' : 'Save'}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
