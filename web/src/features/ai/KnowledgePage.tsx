// The knowledge base the AI answers from: Q&A pairs and articles, search,
// CSV import of Q&A, delete.
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { useSession } from '../../session';
import { ConfirmButton, Result, useAction } from '../settings/shared';
import { aiApi, type KnowledgeEntry } from './api';
import { FeedbackReview } from './Feedback';

export function KnowledgePage() {
  const { workspace } = useSession();
  const ws = workspace.id;
  const [list, setList] = useState<KnowledgeEntry[] | null>(null);
  const [q, setQ] = useState('');
  const [kind, setKind] = useState<'qa' | 'article'>('qa');
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const load = useAction();
  const add = useAction();
  const ids = { q: useId(), kind: useId(), title: useId(), body: useId(), csv: useId() };
  const { run: runLoad } = load;
  const reload = useCallback(
    (query: string) =>
      runLoad(async () => {
        setList((await aiApi.knowledge(ws, query)).items ?? []);
      }),
    [runLoad, ws],
  );
  useEffect(() => {
    reload('');
  }, [reload]);

  function submit(e: FormEvent) {
    e.preventDefault();
    add.run(async () => {
      const entry = kind === 'qa' ? { kind, question: title, answer: body } : { kind, title, content: body };
      const k = await aiApi.createKnowledge(ws, entry);
      setList((l) => [k, ...(l ?? [])]);
      setTitle('');
      setBody('');
      return 'Added to the knowledge base.';
    });
  }
  function importFile(f: File | undefined) {
    if (!f) return;
    add.run(async () => {
      const r = await aiApi.importCSV(ws, await f.text());
      reload(q);
      return `${r.imported} question-and-answer pairs imported.`;
    });
  }
  return (
    <>
      <section className="panel">
        <h2>Knowledge base</h2>
        <form onSubmit={submit} className="form">
          <div className="field field-inline">
            <label htmlFor={ids.kind}>Kind</label>
            <select id={ids.kind} value={kind} onChange={(e) => setKind(e.target.value as 'qa' | 'article')}>
              <option value="qa">Question and answer</option>
              <option value="article">Article</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.title}>{kind === 'qa' ? 'Question' : 'Title'}</label>
            <input id={ids.title} value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={500} />
          </div>
          <div className="field">
            <label htmlFor={ids.body}>{kind === 'qa' ? 'Answer' : 'Content (Markdown)'}</label>
            <textarea id={ids.body} value={body} onChange={(e) => setBody(e.target.value)} required rows={4} />
          </div>
          <button className="btn btn-primary" disabled={add.busy}>
            Add
          </button>{' '}
          <label className="btn btn-ghost" htmlFor={ids.csv}>
            Import Q&amp;A from CSV
          </label>
          <input id={ids.csv} type="file" accept=".csv,text/csv" className="visually-hidden" onChange={(e) => importFile(e.target.files?.[0])} />
        </form>
        <Result error={add.error} ok={add.ok} />
      </section>
      <section className="panel">
        <form
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            reload(q);
          }}
        >
          <label htmlFor={ids.q}>Search the knowledge base</label> <input id={ids.q} type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </form>
        <Result error={load.error} />
        {list && list.length === 0 && <p className="muted">No entries.</p>}
        <ul className="knowledge-list">
          {(list ?? []).map((k) => (
            <li key={k.id} data-entry-id={k.id}>
              <strong>{k.title}</strong> <span className="tag">{k.kind === 'qa' ? 'Q&A' : 'Article'}</span>
              <p className="muted">{k.content.length > 200 ? k.content.slice(0, 200) + '…' : k.content}</p>
              <ConfirmButton
                label="Delete"
                confirm="Delete for good"
                what={k.title}
                busy={false}
                onConfirm={() =>
                  add.run(async () => {
                    await aiApi.deleteKnowledge(ws, k.id);
                    setList((l) => (l ?? []).filter((x) => x.id !== k.id));
                    return 'Deleted.';
                  })
                }
              />
            </li>
          ))}
        </ul>
      </section>
      <FeedbackReview />
    </>
  );
}
