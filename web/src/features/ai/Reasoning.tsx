// The AI indicator on a message and the reasoning panel it opens: intent,
// confidence, sentiment, the knowledge used, the trigger, the provider and
// model, latency and the model's own explanation.
import { useId, useState } from 'react';
import type { Message } from '../../types';
import { REASONS, type Reasoning } from './api';

function reasoningOf(m: Message): Reasoning | null {
  const r = (m as Message & { ai_reasoning?: Reasoning | null }).ai_reasoning;
  return r && typeof r === 'object' ? r : null;
}

/** AIBadge is the "AI" mark of an AI message; clicking it opens the reasoning. */
export function AIBadge({ m, label = 'AI' }: { m: Message; label?: string }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const r = reasoningOf(m);
  if (!r) return <span className="tag tag-ai">{label}</span>;
  return (
    <>
      <button type="button" className="tag tag-ai tag-button" aria-expanded={open} aria-controls={id} title="Show the AI's reasoning" onClick={() => setOpen((o) => !o)}>
        {label}
      </button>
      {open && <ReasoningPanel id={id} r={r} />}
    </>
  );
}

export function ReasoningPanel({ id, r }: { id?: string; r: Reasoning }) {
  const sources = r.sources ?? [];
  return (
    <section id={id} className="ai-reasoning" aria-label="AI reasoning">
      <dl>
        <dt>Intent</dt>
        <dd>{r.intent || '—'}</dd>
        <dt>Confidence</dt>
        <dd>{Math.round((r.confidence ?? 0) * 100)}%</dd>
        <dt>Sentiment</dt>
        <dd>{(r.sentiment ?? 0).toFixed(2)}</dd>
        {r.trigger && (
          <>
            <dt>Handoff</dt>
            <dd>
              {REASONS[r.trigger] ?? r.trigger}
              {r.detail ? ` (${r.detail})` : ''}
            </dd>
          </>
        )}
        <dt>Sources</dt>
        <dd>
          {sources.length === 0 ? (
            'None'
          ) : (
            <ul className="ai-sources">
              {sources.map((s) => (
                <li key={s.id} data-source-id={s.id}>
                  {s.title} <span className="muted">({Math.round(s.score * 100)}%)</span>
                </li>
              ))}
            </ul>
          )}
        </dd>
        <dt>Model</dt>
        <dd>
          {r.provider}
          {r.model ? ` · ${r.model}` : ''} · {Math.round(r.latency_ms ?? 0)} ms
        </dd>
        {r.explanation && (
          <>
            <dt>Explanation</dt>
            <dd>{r.explanation}</dd>
          </>
        )}
        {r.error && (
          <>
            <dt>Error</dt>
            <dd>{r.error}</dd>
          </>
        )}
      </dl>
    </section>
  );
}

/** hasReasoning tells whether a message carries an AI decision (AI replies, handoff lines). */
export function hasReasoning(m: Message): boolean {
  return reasoningOf(m) !== null;
}
