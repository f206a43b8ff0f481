// In-thread search: the server finds the matching messages (newest first),
// the matches are highlighted in the thread, Enter goes to the next older
// one and Shift+Enter back, paging older messages in as needed.
import { useEffect, useMemo, useRef, useState } from 'react';
import { findApi, type ThreadHit } from './api';
import { clearHighlights, highlightThread } from './highlight';
import { useReveal, threadRoot, type ThreadPaging } from './reveal';
import { markedWords } from './Snippet';

export function ThreadSearch({ ws, conversationId, paging }: { ws: string; conversationId: string; paging: ThreadPaging }) {
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<ThreadHit[] | null>(null);
  const [idx, setIdx] = useState(0);
  const [step, setStep] = useState(0);
  const [error, setError] = useState('');
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    setOpen(false);
    setQ('');
  }, [conversationId]);

  useEffect(() => {
    setHits(null);
    setError('');
    setIdx(0);
    const query = q.trim();
    if (!open || !query) return;
    const ctl = new AbortController();
    const t = setTimeout(() => {
      findApi.searchThread(ws, conversationId, query, ctl.signal).then(
        (r) => {
          setHits(r.items ?? []);
          setStep((s) => s + 1);
        },
        (err) => {
          if ((err as Error).name !== 'AbortError') setError((err as Error).message);
        },
      );
    }, 250);
    return () => {
      clearTimeout(t);
      ctl.abort();
    };
  }, [ws, conversationId, q, open]);

  const words = useMemo(() => {
    const set = new Set<string>(q.trim().toLowerCase().split(/\s+/).filter((w) => w.length > 1));
    for (const h of hits ?? []) for (const w of markedWords(h.snippet ?? '')) set.add(w);
    return Array.from(set);
  }, [hits, q]);
  const ids = useMemo(() => new Set((hits ?? []).map((h) => h.message_id ?? '')), [hits]);
  const current = hits?.[idx]?.message_id ?? '';

  useReveal(open ? current : '', `${step}:${idx}`, paging);

  // Highlight again whenever the loaded messages change (older pages, new messages).
  useEffect(() => {
    if (!open || !hits) {
      clearHighlights();
      return;
    }
    const raf = requestAnimationFrame(() => highlightThread(threadRoot(), words, ids, current));
    return () => cancelAnimationFrame(raf);
  }, [open, hits, words, ids, current, paging.messages]);
  useEffect(() => () => clearHighlights(), []);

  const go = (delta: number) => {
    if (!hits?.length) return;
    setIdx((i) => (i + delta + hits.length) % hits.length);
    setStep((s) => s + 1);
  };

  if (!open)
    return (
      <button
        type="button"
        className="btn btn-sm btn-ghost"
        onClick={() => {
          setOpen(true);
          requestAnimationFrame(() => input.current?.focus());
        }}
      >
        Find in conversation
      </button>
    );
  return (
    <div className="thread-search" role="search">
      <input
        ref={input}
        type="search"
        aria-label="Find in conversation"
        placeholder="Find in conversation"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            go(e.shiftKey ? -1 : 1);
          } else if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            setOpen(false);
            setQ('');
          }
        }}
      />
      <span className="muted thread-search-count" role="status" aria-live="polite">
        {error ? error : hits === null ? '' : hits.length === 0 ? 'No matches' : `${idx + 1} of ${hits.length}`}
      </span>
      <button type="button" className="btn btn-ghost btn-sm" aria-label="Newer match" disabled={!hits?.length} onClick={() => go(-1)}>
        ↑
      </button>
      <button type="button" className="btn btn-ghost btn-sm" aria-label="Older match" disabled={!hits?.length} onClick={() => go(1)}>
        ↓
      </button>
      <button
        type="button"
        className="btn btn-ghost btn-sm"
        aria-label="Close search"
        onClick={() => {
          setOpen(false);
          setQ('');
        }}
      >
        ✕
      </button>
    </div>
  );
}
