// The AI controls of a conversation: the handoff banner, take over /
// resume / reset, and their keyboard chords (Alt+Shift+T, Alt+Shift+E,
// Alt+Shift+X).
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Conversation } from '../../types';
import { aiApi, REASONS } from './api';

type Conv = Conversation & { handoff?: boolean; handoff_reason?: string };

export const AI_SHORTCUTS: [string[], string][] = [
  [['Alt+Shift+T'], 'Take over from the AI assistant'],
  [['Alt+Shift+E'], 'Let the AI assistant answer again (resume)'],
  [['Alt+Shift+X'], "Reset the AI assistant's memory of the conversation"],
];

export function AIControls({ ws, conversation }: { ws: string; conversation: Conv }) {
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState('');
  const c = conversation;
  const act = useRef<(what: 'take' | 'resume' | 'reset') => void>(() => {});
  const run = (what: 'take' | 'resume' | 'reset') => {
    if (busy) return;
    setBusy(true);
    setNote('');
    const p =
      what === 'reset'
        ? aiApi.updateState(ws, c.id, { reset: true }).then(() => 'The assistant starts over from the next message.')
        : aiApi.setMode(ws, c.id, what === 'take' ? 'paused' : 'active').then(() => (what === 'take' ? 'You took over from the AI.' : 'The AI answers again.'));
    p.then(setNote, (err: Error) => setNote(err.message)).finally(() => setBusy(false));
  };
  useLayoutEffect(() => {
    act.current = run;
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || !e.shiftKey || e.ctrlKey || e.metaKey) return;
      const what = e.code === 'KeyT' ? 'take' : e.code === 'KeyE' ? 'resume' : e.code === 'KeyX' ? 'reset' : null;
      if (!what) return;
      e.preventDefault();
      act.current(what);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  if (c.ai_mode === 'manual' && !c.handoff) return null;
  return (
    <div className="ai-controls pad" role="region" aria-label="AI assistant">
      {c.handoff && (
        <p className="ai-handoff-banner" role="status">
          <strong>Handed off to a person.</strong> {REASONS[c.handoff_reason ?? ''] ?? 'The AI asked for a person.'}
        </p>
      )}
      <span className="ai-mode">AI: {c.ai_mode === 'active' ? 'answering' : c.ai_mode === 'paused' ? 'paused' : 'off'}</span>
      {c.ai_mode === 'active' && (
        <button type="button" className="btn btn-sm" disabled={busy} onClick={() => run('take')} title="Alt+Shift+T">
          Take over
        </button>
      )}
      {c.ai_mode !== 'active' && (
        <button type="button" className="btn btn-sm" disabled={busy} onClick={() => run('resume')} title="Alt+Shift+E">
          Resume AI
        </button>
      )}
      <button type="button" className="btn btn-sm btn-ghost" disabled={busy} onClick={() => run('reset')} title="Alt+Shift+X">
        Reset AI
      </button>
      {note && (
        <span className="muted" role="status">
          {note}
        </span>
      )}
    </div>
  );
}
