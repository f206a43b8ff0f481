// Call records (seed 000 "Call Records"): a call line in the thread (icon,
// direction, duration, a play link to the recording, the notes), the
// contact's calls on the client card, and a form to log a call there.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { request } from '../../api';
import { clockTime, fullTime } from '../../format';
import { navigate } from '../../router';
import type { Message } from '../../types';

export interface CallRecord {
  direction: 'inbound' | 'outbound';
  started_at: string;
  duration_s: number;
  recording_url: string;
  notes: string;
  agent_id: string;
  agent_name: string;
}

type CallMessage = Message & { call?: CallRecord | null; conversation_number?: number };

/** callDuration reads a call's length as people do: 45s, 4m 05s, 1h 02m. */
export function callDuration(sec: number): string {
  if (sec < 60) return `${sec}s`;
  if (sec < 3600) return `${Math.floor(sec / 60)}m ${String(sec % 60).padStart(2, '0')}s`;
  return `${Math.floor(sec / 3600)}h ${String(Math.floor((sec % 3600) / 60)).padStart(2, '0')}m`;
}

/** safeRecording keeps only http(s) links (the server checks them; this guards the href). */
function safeRecording(url: string): string {
  return /^https?:\/\//i.test(url) ? url : '';
}

function PhoneIcon({ inbound }: { inbound: boolean }) {
  return (
    <svg className="call-icon" width="16" height="16" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d="M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.6a1 1 0 0 1-.25 1z"
      />
      <path fill="currentColor" d={inbound ? 'M21 3l-6 6v-4h-2v7h7v-2h-4l6-6z' : 'M15 3h6v6h-2V6.4l-5.3 5.3-1.4-1.4L17.6 5H15z'} />
    </svg>
  );
}

/** CallLine is a call record in the thread. */
export function CallLine({ m }: { m: Message }) {
  const call = (m as CallMessage).call;
  if (!call) return null;
  const inbound = call.direction === 'inbound';
  const rec = safeRecording(call.recording_url);
  return (
    <li className="msg-call" data-kind="call" data-message-id={m.id}>
      <PhoneIcon inbound={inbound} />
      <div className="call-body">
        <div className="call-head">
          <strong>{inbound ? 'Inbound call' : 'Outbound call'}</strong>
          <span className="call-duration">{callDuration(call.duration_s)}</span>
          {call.agent_name && <span className="muted">with {call.agent_name}</span>}
          <time dateTime={call.started_at} title={fullTime(call.started_at)}>
            {clockTime(call.started_at)}
          </time>
          {rec && (
            <a className="call-play" href={rec} target="_blank" rel="noopener noreferrer">
              ▶ Play recording
            </a>
          )}
        </div>
        {call.notes && <p className="call-notes">{call.notes}</p>}
      </div>
    </li>
  );
}

/** ContactCalls lists a contact's calls on the client card, with a form to log one. */
export function ContactCalls({ ws, contactId }: { ws: string; contactId: string }) {
  const path = `/workspaces/${encodeURIComponent(ws)}/contacts/${encodeURIComponent(contactId)}/calls`;
  const [items, setItems] = useState<CallMessage[]>([]);
  const [open, setOpen] = useState(false);
  const [direction, setDirection] = useState<'inbound' | 'outbound'>('outbound');
  const [minutes, setMinutes] = useState('');
  const [recording, setRecording] = useState('');
  const [notes, setNotes] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    request<{ items: CallMessage[] }>(path).then(
      (p) => setItems(p.items ?? []),
      () => {},
    );
  }, [path]);
  useEffect(load, [load]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError('');
    const mins = Number(minutes || '0');
    try {
      await request(path, {
        method: 'POST',
        body: {
          direction,
          started_at: new Date(Date.now() - mins * 60_000).toISOString(),
          duration_s: Math.round(mins * 60),
          ...(recording.trim() ? { recording_url: recording.trim() } : {}),
          ...(notes.trim() ? { notes: notes.trim() } : {}),
        },
      });
      setOpen(false);
      setMinutes('');
      setRecording('');
      setNotes('');
      load();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <h3 className="cc-h">Calls</h3>
      <ul className="cc-list" aria-label="Calls">
        {items.length === 0 && <li className="muted">No calls recorded.</li>}
        {items.map((m) => (
          <li key={m.id} data-testid="contact-call">
            {m.call?.direction === 'inbound' ? 'Inbound' : 'Outbound'} · {callDuration(m.call?.duration_s ?? 0)} ·{' '}
            <time dateTime={m.call?.started_at}>{fullTime(m.call?.started_at ?? m.created_at)}</time>{' '}
            <a
              href={'/conversations/' + m.conversation_id}
              onClick={(e) => {
                e.preventDefault();
                navigate('/conversations/' + m.conversation_id);
              }}
            >
              #{m.conversation_number}
            </a>
            {m.call?.notes && <span className="muted"> {m.call.notes}</span>}
          </li>
        ))}
      </ul>
      {!open ? (
        <button type="button" className="btn btn-sm" onClick={() => setOpen(true)}>
          Log a call…
        </button>
      ) : (
        <form className="form" onSubmit={submit} aria-label="Log a call">
          <div className="field">
            <label htmlFor="call-direction">Direction</label>
            <select id="call-direction" value={direction} onChange={(e) => setDirection(e.target.value as 'inbound' | 'outbound')}>
              <option value="outbound">Outbound (we called)</option>
              <option value="inbound">Inbound (they called)</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="call-minutes">Duration (minutes)</label>
            <input id="call-minutes" type="number" min={0} max={1440} step="any" value={minutes} onChange={(e) => setMinutes(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="call-recording">Recording link (https)</label>
            <input id="call-recording" type="url" maxLength={2000} value={recording} onChange={(e) => setRecording(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="call-notes">Notes</label>
            <textarea id="call-notes" rows={3} maxLength={8000} value={notes} onChange={(e) => setNotes(e.target.value)} />
          </div>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          <div className="row gap">
            <button type="submit" className="btn btn-primary btn-sm" disabled={busy}>
              {busy ? 'Saving…' : 'Save call'}
            </button>
            <button type="button" className="btn btn-sm" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </>
  );
}
