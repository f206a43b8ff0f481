// Settings → Business hours: whether they apply, the schedule, and the
// away message sent once per conversation to customers who write outside
// them (unless an assistant set to answer off-hours does).
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useSession } from '../../session';
import { Link, Result, useAction } from '../settings/shared';
import { hoursApi, type WorkspaceHours } from './api';
import { ScheduleEditor } from './ScheduleEditor';

export function HoursPage() {
  const { workspace } = useSession();
  const ws = workspace.id;
  const admin = workspace.role === 'admin';
  const [h, setH] = useState<WorkspaceHours | null>(null);
  const load = useAction();
  const save = useAction();
  const ids = { enabled: useId(), away: useId(), text: useId() };
  const { run: runLoad } = load;
  useEffect(() => {
    runLoad(async () => setH(await hoursApi.get(ws)));
  }, [runLoad, ws]);

  if (!h) return <section className="panel">{load.error ? <Result error={load.error} /> : <p className="muted">Loading…</p>}</section>;
  const set = (p: Partial<WorkspaceHours>) => setH({ ...h, ...p });
  function submit(e: FormEvent) {
    e.preventDefault();
    if (!h) return;
    save.run(async () => {
      setH(await hoursApi.put(ws, h));
      return 'Business hours saved.';
    });
  }
  return (
    <section className="panel" aria-labelledby="hours-title">
      <h2 id="hours-title">Business hours</h2>
      <p className="muted">
        Outside these hours the web-chat widget shows the away message, and a customer who writes gets it once per conversation. An inbox can keep its
        own hours or stay always open in its <Link to="/settings">inbox settings</Link>; the AI assistant answers off-hours only when set to on its{' '}
        <Link to="/settings/ai">settings</Link>.
      </p>
      <form onSubmit={submit} className="form">
        <fieldset disabled={!admin} className="hours-form">
          <label className="check" htmlFor={ids.enabled}>
            <input id={ids.enabled} type="checkbox" checked={h.enabled} onChange={(e) => set({ enabled: e.target.checked })} /> Use business hours (off: always
            open)
          </label>
          {h.enabled && <ScheduleEditor label="Opening hours" value={h} onChange={(s) => set({ ...s })} />}
          <label className="check" htmlFor={ids.away}>
            <input id={ids.away} type="checkbox" checked={h.away_enabled} onChange={(e) => set({ away_enabled: e.target.checked })} /> Send an away message
            outside business hours
          </label>
          {h.away_enabled && (
            <div className="field">
              <label htmlFor={ids.text}>Away message</label>
              <textarea id={ids.text} rows={3} maxLength={2000} required value={h.away_message} onChange={(e) => set({ away_message: e.target.value })} />
              <p className="hint">Sent as an automatic message; the conversation still counts as unreplied until a person answers.</p>
            </div>
          )}
          {admin && (
            <button className="btn btn-primary" disabled={save.busy}>
              Save business hours
            </button>
          )}
        </fieldset>
      </form>
      <Result error={save.error} ok={save.ok} />
    </section>
  );
}
