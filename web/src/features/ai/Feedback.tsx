// Feedback on AI replies (seed 004 "Train AI with feedback"): the 👍/👎
// buttons and the better answer under each AI message in the thread, and
// the admins' review list, where an approved correction becomes a Q&A
// entry of the knowledge base.
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import type { Message } from '../../types';
import { useSession } from '../../session';
import { Result, useAction } from '../settings/shared';
import { feedbackApi, type Feedback, type FeedbackView } from './api';

// The caller's votes per conversation, loaded once for all its AI
// messages (one request per thread, not one per message).
const votes = new Map<string, Promise<Map<string, Feedback>>>();

function myVotes(ws: string, cid: string): Promise<Map<string, Feedback>> {
  const key = ws + '/' + cid;
  let p = votes.get(key);
  if (!p) {
    p = feedbackApi
      .mine(ws, cid)
      .then((r) => new Map((r.items ?? []).map((f) => [f.message_id, f])))
      .catch(() => {
        votes.delete(key); // try again next time
        return new Map<string, Feedback>();
      });
    votes.set(key, p);
  }
  return p;
}

/** forgetVotes empties the cache (tests, sign-out). */
export function forgetVotes() {
  votes.clear();
}

const STATUS_TEXT: Record<string, string> = {
  pending: 'Your better answer waits for an admin.',
  approved: 'Your better answer was added to the knowledge base.',
  rejected: 'An admin declined your better answer.',
};

/** FeedbackButtons rate an AI reply and propose a better answer. */
export function FeedbackButtons({ ws, m }: { ws: string; m: Message }) {
  const [vote, setVote] = useState<Feedback | null>(null);
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const act = useAction();
  const id = useId();
  const cid = m.conversation_id;
  useEffect(() => {
    let live = true;
    myVotes(ws, cid).then((all) => {
      if (!live) return;
      const v = all.get(m.id) ?? null;
      setVote(v);
      setText(v?.correction ?? '');
    });
    return () => {
      live = false;
    };
  }, [ws, cid, m.id]);

  const send = useCallback(
    (rating: 'up' | 'down', correction: string) =>
      act.run(async () => {
        const f = await feedbackApi.vote(ws, cid, m.id, { rating, correction });
        setVote(f);
        (await myVotes(ws, cid)).set(m.id, f);
        if (correction) setOpen(false);
        return correction ? 'Thanks — an admin will review it.' : '';
      }),
    [act, ws, cid, m.id],
  );
  function submit(e: FormEvent) {
    e.preventDefault();
    send(vote?.rating ?? 'down', text.trim());
  }
  return (
    <div className="ai-feedback" role="group" aria-label="Rate this AI reply">
      <button type="button" className="btn btn-ghost btn-sm" aria-pressed={vote?.rating === 'up'} title="Good answer" disabled={act.busy} onClick={() => send('up', vote?.correction ?? '')}>
        <span aria-hidden="true">👍</span>
        <span className="sr-only">Good answer</span>
      </button>
      <button
        type="button"
        className="btn btn-ghost btn-sm"
        aria-pressed={vote?.rating === 'down'}
        title="Bad answer"
        disabled={act.busy}
        onClick={() => {
          send('down', vote?.correction ?? '');
          setOpen(true);
        }}
      >
        <span aria-hidden="true">👎</span>
        <span className="sr-only">Bad answer</span>
      </button>{' '}
      <button type="button" className="btn btn-ghost btn-sm" aria-expanded={open} aria-controls={id} onClick={() => setOpen((o) => !o)}>
        Suggest a better answer
      </button>
      {vote && STATUS_TEXT[vote.status] && <span className="muted ai-feedback-status"> {STATUS_TEXT[vote.status]}</span>}
      {open && (
        <form id={id} className="ai-feedback-form" onSubmit={submit}>
          <label htmlFor={id + '-text'}>Better answer</label>
          <textarea id={id + '-text'} value={text} onChange={(e) => setText(e.target.value)} rows={3} maxLength={100000} required />
          <button className="btn btn-primary btn-sm" disabled={act.busy || !text.trim()}>
            Send for review
          </button>
        </form>
      )}
      <Result error={act.error} ok={act.ok} />
    </div>
  );
}

/** FeedbackReview is the admins' list of corrections to approve or reject. */
export function FeedbackReview() {
  const { workspace } = useSession();
  const ws = workspace.id;
  const [status, setStatus] = useState<'pending' | 'approved' | 'rejected'>('pending');
  const [list, setList] = useState<FeedbackView[] | null>(null);
  const load = useAction();
  const sid = useId();
  const { run } = load;
  useEffect(() => {
    run(async () => {
      setList((await feedbackApi.list(ws, status)).items ?? []);
    });
  }, [run, ws, status]);
  return (
    <section className="panel" aria-labelledby={sid + '-h'}>
      <h2 id={sid + '-h'}>Corrections from agents</h2>
      <p className="muted">Agents rate AI replies and write better answers. An approved answer becomes a question-and-answer entry the assistant uses.</p>
      <div className="field field-inline">
        <label htmlFor={sid}>Show</label>
        <select id={sid} value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
          <option value="pending">Waiting for review</option>
          <option value="approved">Approved</option>
          <option value="rejected">Rejected</option>
        </select>
      </div>
      <Result error={load.error} />
      {list && list.length === 0 && <p className="muted">Nothing here.</p>}
      <ul className="feedback-list">
        {(list ?? []).map((f) => (
          <FeedbackItem key={f.id} ws={ws} f={f} onDone={(id) => setList((l) => (l ?? []).filter((x) => x.id !== id))} />
        ))}
      </ul>
    </section>
  );
}

function FeedbackItem({ ws, f, onDone }: { ws: string; f: FeedbackView; onDone: (id: string) => void }) {
  const [question, setQuestion] = useState(f.question);
  const [answer, setAnswer] = useState(f.correction);
  const act = useAction();
  const id = useId();
  const pending = f.status === 'pending';
  return (
    <li data-feedback-id={f.id} className="feedback-item">
      <p className="muted">
        {f.user_name || 'An agent'} rated the AI reply {f.rating === 'up' ? '👍' : '👎'} in{' '}
        <a href={'/conversations/' + encodeURIComponent(f.conversation_id)}>#{f.conversation_number}</a>
      </p>
      <p>
        <span className="muted">The AI answered: </span>
        {f.reply}
      </p>
      <div className="field">
        <label htmlFor={id + '-q'}>Customer question</label>
        <input id={id + '-q'} value={question} onChange={(e) => setQuestion(e.target.value)} readOnly={!pending} maxLength={500} />
      </div>
      <div className="field">
        <label htmlFor={id + '-a'}>Better answer</label>
        <textarea id={id + '-a'} value={answer} onChange={(e) => setAnswer(e.target.value)} readOnly={!pending} rows={3} />
      </div>
      {pending && (
        <>
          <button
            type="button"
            className="btn btn-primary btn-sm"
            disabled={act.busy || !question.trim() || !answer.trim()}
            onClick={() =>
              act.run(async () => {
                await feedbackApi.approve(ws, f.id, { question, answer });
                onDone(f.id);
              })
            }
          >
            Approve
          </button>{' '}
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            disabled={act.busy}
            onClick={() =>
              act.run(async () => {
                await feedbackApi.reject(ws, f.id);
                onDone(f.id);
              })
            }
          >
            Reject
          </button>
        </>
      )}
      <Result error={act.error} />
    </li>
  );
}
