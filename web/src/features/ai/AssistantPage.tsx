// The AI assistant's settings: persona and instructions, handoff settings,
// the booking link, which inboxes it answers, and "Try it": the
// playground that runs it on a transcript without sending anything.
import { useEffect, useId, useState, type FormEvent } from 'react';
import { api } from '../../api';
import { useSession } from '../../session';
import type { Inbox } from '../../types';
import { Result, useAction } from '../settings/shared';
import { aiApi, REASONS, settingsOf, type Assistant, type PreviewResult } from './api';
import { ReasoningPanel } from './Reasoning';

export function AssistantPage() {
  const { workspace } = useSession();
  const ws = workspace.id;
  const [asst, setAsst] = useState<Assistant | null>(null);
  const [inboxes, setInboxes] = useState<Inbox[]>([]);
  const [using, setUsing] = useState<Record<string, string>>({});
  const load = useAction();
  const save = useAction();
  const { run: runLoad } = load;
  useEffect(() => {
    runLoad(async () => {
      const [list, ib, ia] = await Promise.all([aiApi.assistants(ws), api.inboxes(ws), aiApi.inboxAssistants(ws)]);
      setAsst((list.items ?? []).find((a) => a.default) ?? null);
      setInboxes(ib.items ?? []);
      setUsing(Object.fromEntries((ia.items ?? []).map((x) => [x.inbox_id, x.assistant_id])));
    });
  }, [runLoad, ws]);
  const ids = { name: useId(), persona: useId(), kw: useId(), conf: useId(), sent: useId(), book: useId() };
  if (!asst) return <Result error={load.error} />;
  const set = (patch: Partial<Assistant>) => setAsst({ ...asst, ...patch });

  function submit(e: FormEvent) {
    e.preventDefault();
    save.run(async () => {
      const a = await aiApi.updateAssistant(ws, asst!.id, { name: asst!.name, settings: settingsOf(asst!) });
      setAsst(a);
      return 'The assistant was saved.';
    });
  }
  function toggleInbox(inboxId: string, on: boolean) {
    const was = using[inboxId] ?? '';
    // The box follows the click at once; a refusal puts it back.
    setUsing((u) => ({ ...u, [inboxId]: on ? asst!.id : '' }));
    save.run(async () => {
      try {
        await aiApi.setInboxAssistant(ws, inboxId, on ? asst!.id : '');
      } catch (err) {
        setUsing((u) => ({ ...u, [inboxId]: was }));
        throw err;
      }
      return on ? 'The assistant answers this inbox’s new conversations.' : 'The AI is off for this inbox.';
    });
  }
  return (
    <>
      <section className="panel">
        <h2>AI assistant</h2>
        <p className="muted">Answers customers from the knowledge base on every channel and hands the conversation to a person when needed. It works offline (built-in provider).</p>
        <form onSubmit={submit} className="form">
          <div className="field">
            <label htmlFor={ids.name}>Name</label>
            <input id={ids.name} value={asst.name} onChange={(e) => set({ name: e.target.value })} maxLength={100} />
          </div>
          <div className="field">
            <label htmlFor={ids.persona}>Persona and instructions</label>
            <textarea id={ids.persona} value={asst.persona} onChange={(e) => set({ persona: e.target.value })} rows={3} />
          </div>
          <div className="field">
            <label htmlFor={ids.kw}>Handoff keywords (comma separated)</label>
            <input
              id={ids.kw}
              value={asst.handoff.keywords.join(', ')}
              onChange={(e) => set({ handoff: { ...asst.handoff, keywords: e.target.value.split(',').map((k) => k.trim()) } })}
            />
          </div>
          <div className="field">
            <label htmlFor={ids.conf}>Confidence threshold (0–1)</label>
            <input
              id={ids.conf}
              type="number"
              min={0}
              max={1}
              step={0.05}
              value={asst.handoff.confidence_threshold}
              onChange={(e) => set({ handoff: { ...asst.handoff, confidence_threshold: Number(e.target.value) } })}
            />
          </div>
          <div className="field">
            <label htmlFor={ids.sent}>Sentiment threshold (−1–1)</label>
            <input
              id={ids.sent}
              type="number"
              min={-1}
              max={1}
              step={0.05}
              value={asst.handoff.sentiment_threshold}
              onChange={(e) => set({ handoff: { ...asst.handoff, sentiment_threshold: Number(e.target.value) } })}
            />
          </div>
          <div className="field">
            <label htmlFor={ids.book}>Appointment booking link</label>
            <input id={ids.book} type="url" value={asst.booking_url} onChange={(e) => set({ booking_url: e.target.value })} placeholder="https://…" />
          </div>
          <label className="check">
            <input type="checkbox" checked={asst.pause_on_agent_reply} onChange={(e) => set({ pause_on_agent_reply: e.target.checked })} /> Pause the AI when
            a person replies
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={asst.off_hours === 'answer'}
              onChange={(e) => set({ off_hours: e.target.checked ? 'answer' : 'away' })}
            />{' '}
            Answer outside business hours (off: the AI stays silent and the away message from Business hours is sent)
          </label>
          <button className="btn btn-primary" disabled={save.busy}>
            Save
          </button>
        </form>
        <Result error={save.error} ok={save.ok} />
      </section>
      <section className="panel">
        <h2>Inboxes it answers</h2>
        <ul className="plain-list">
          {inboxes.map((i) => (
            <li key={i.id}>
              <label className="check">
                <input type="checkbox" checked={using[i.id] === asst.id} onChange={(e) => toggleInbox(i.id, e.target.checked)} /> {i.name}
              </label>
            </li>
          ))}
        </ul>
      </section>
      <Playground ws={ws} assistantId={asst.id} />
    </>
  );
}

/** Playground runs the assistant on a customer message without storing or sending anything. */
export function Playground({ ws, assistantId }: { ws: string; assistantId: string }) {
  const [text, setText] = useState('');
  const [res, setRes] = useState<PreviewResult | null>(null);
  const run = useAction();
  const id = useId();
  function submit(e: FormEvent) {
    e.preventDefault();
    run.run(async () => {
      setRes(await aiApi.preview(ws, assistantId, [{ role: 'customer', content: text }]));
    });
  }
  return (
    <section className="panel" aria-label="Try it">
      <h2>Try it</h2>
      <form onSubmit={submit} className="form">
        <div className="field">
          <label htmlFor={id}>A customer writes</label>
          <input id={id} value={text} onChange={(e) => setText(e.target.value)} required />
        </div>
        <button className="btn" disabled={run.busy}>
          Ask the assistant
        </button>
      </form>
      <Result error={run.error} />
      {res && (
        <div className="ai-preview" role="status">
          {res.reply !== null ? <p className="bubble">{res.reply}</p> : <p className="muted">The assistant would not answer.</p>}
          {res.handoff.triggered && <p>Hands off: {REASONS[res.handoff.reason] ?? res.handoff.reason}</p>}
          {res.appointment && <p>Appointment requested</p>}
          <ReasoningPanel r={res.reasoning} />
        </div>
      )}
    </section>
  );
}
