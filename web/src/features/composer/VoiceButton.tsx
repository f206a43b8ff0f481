// The composer's voice message button (seed 001): hold it (mouse, touch,
// or Space/Enter from the keyboard) to record, release to send. Chromium
// records Opus in WebM; the server keeps it as Ogg/Opus, which WhatsApp and
// Telegram take as a voice note. Moving the pointer off the button before
// releasing, or Esc, cancels. Recordings under half a second are dropped
// (a click, not a message).
import { useEffect, useRef, useState } from 'react';
import type { Attachment } from '../../types';

const MIN_MS = 500;
const MAX_MS = 5 * 60_000;

/** pickMime answers the recorder type to ask for: Opus in WebM when the browser has it. */
export function pickMime(isSupported: (t: string) => boolean): string {
  for (const t of ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm']) if (isSupported(t)) return t;
  return '';
}

/** clock formats a recording's length as m:ss. */
export function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

type State = { kind: 'idle' } | { kind: 'recording'; since: number } | { kind: 'sending' };

export function VoiceButton({
  upload,
  send,
  disabled,
  onError,
}: {
  upload: (file: File, signal: AbortSignal) => Promise<Attachment>;
  send: (attachmentIds: string[]) => Promise<void>;
  disabled?: boolean;
  onError: (message: string) => void;
}) {
  const [state, setState] = useState<State>({ kind: 'idle' });
  const [now, setNow] = useState(0);
  const rec = useRef<{ r: MediaRecorder; stream: MediaStream; chunks: Blob[]; cancel: boolean; since: number } | null>(null);
  const starting = useRef(false);
  const stopWanted = useRef<null | boolean>(null); // released before the recorder started: true = cancel

  useEffect(() => {
    if (state.kind !== 'recording') return;
    const t = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(t);
  }, [state.kind]);

  useEffect(
    () => () => {
      // Leaving the conversation while recording cancels it.
      const cur = rec.current;
      if (cur) {
        cur.cancel = true;
        if (cur.r.state !== 'inactive') cur.r.stop();
      }
    },
    [],
  );

  async function start() {
    if (disabled || starting.current || rec.current || state.kind === 'sending') return;
    if (typeof MediaRecorder === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
      onError('This browser cannot record audio.');
      return;
    }
    starting.current = true;
    stopWanted.current = null;
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch {
      starting.current = false;
      onError('The microphone is not available: allow it for this site to record voice messages.');
      return;
    }
    const mimeType = pickMime((t) => MediaRecorder.isTypeSupported(t));
    const r = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
    const cur = { r, stream, chunks: [] as Blob[], cancel: false, since: Date.now() };
    rec.current = cur;
    r.ondataavailable = (e) => e.data.size && cur.chunks.push(e.data);
    r.onstop = () => finish(cur, mimeType || r.mimeType);
    r.start(250);
    starting.current = false;
    setState({ kind: 'recording', since: cur.since });
    setNow(cur.since);
    if (stopWanted.current !== null) stop(stopWanted.current);
  }

  function stop(cancel: boolean) {
    const cur = rec.current;
    if (!cur) {
      if (starting.current) stopWanted.current = cancel;
      return;
    }
    cur.cancel = cancel || Date.now() - cur.since < MIN_MS;
    if (cur.r.state !== 'inactive') cur.r.stop();
  }

  async function finish(cur: NonNullable<typeof rec.current>, type: string) {
    cur.stream.getTracks().forEach((t) => t.stop());
    rec.current = null;
    if (cur.cancel || cur.chunks.length === 0) {
      setState({ kind: 'idle' });
      return;
    }
    setState({ kind: 'sending' });
    try {
      const blob = new Blob(cur.chunks, { type: type.split(';')[0] || 'audio/webm' });
      const ext = blob.type.includes('ogg') ? 'ogg' : 'webm';
      const a = await upload(new File([blob], `voice-message.${ext}`, { type: blob.type }), new AbortController().signal);
      await send([a.id]);
    } catch (err) {
      onError((err as Error).message || 'The voice message could not be sent.');
    } finally {
      setState({ kind: 'idle' });
    }
  }

  // A recording that runs too long is sent.
  useEffect(() => {
    if (state.kind !== 'recording') return;
    const t = setTimeout(() => stop(false), MAX_MS);
    return () => clearTimeout(t);
  }, [state]);

  const recording = state.kind === 'recording';
  return (
    <span className="voice">
      <button
        type="button"
        className={'btn btn-ghost btn-sm composer-voice' + (recording ? ' recording' : '')}
        aria-label={recording ? 'Recording: release to send' : 'Hold to record a voice message'}
        aria-pressed={recording}
        title="Hold to record a voice message; release to send, Esc to cancel"
        disabled={disabled || state.kind === 'sending'}
        onPointerDown={(e) => {
          if (e.button !== 0) return;
          e.currentTarget.setPointerCapture?.(e.pointerId);
          start();
        }}
        onPointerUp={(e) => {
          const b = e.currentTarget.getBoundingClientRect();
          const outside = e.clientX < b.left || e.clientX > b.right || e.clientY < b.top || e.clientY > b.bottom;
          stop(outside);
        }}
        onPointerCancel={() => stop(true)}
        onContextMenu={(e) => e.preventDefault()}
        onKeyDown={(e) => {
          if ((e.key === ' ' || e.key === 'Enter') && !e.repeat) {
            e.preventDefault();
            start();
          } else if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            stop(true);
          }
        }}
        onKeyUp={(e) => {
          if (e.key === ' ' || e.key === 'Enter') {
            e.preventDefault();
            stop(false);
          }
        }}
        onBlur={() => recording && stop(true)}
      >
        <span aria-hidden="true">🎤</span>
      </button>
      <span className="voice-status" aria-live="polite">
        {recording ? `Recording ${clock(now - state.since)}` : state.kind === 'sending' ? 'Sending voice message…' : ''}
      </span>
    </span>
  );
}
