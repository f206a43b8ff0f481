// An inbox's business hours on its settings page: the workspace's, its
// own schedule, or always open; and its own away message text.
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useSession } from '../../session';
import { Link, Result, useAction } from '../settings/shared';
import { emptyWeek, hoursApi, weekOf, type InboxHours, type InboxMode, type Schedule } from './api';
import { ScheduleEditor } from './ScheduleEditor';

const MODES: { mode: InboxMode; label: string }[] = [
  { mode: 'inherit', label: 'The workspace’s business hours' },
  { mode: 'own', label: 'Its own hours' },
  { mode: 'always', label: 'Always open (no away message)' },
];

export function InboxHoursPanel({ inboxId }: { inboxId: string }) {
  const { workspace } = useSession();
  const ws = workspace.id;
  const [h, setH] = useState<InboxHours | null>(null);
  const [fallback, setFallback] = useState<Schedule | null>(null);
  const load = useAction();
  const save = useAction();
  const ids = { title: useId(), text: useId() };
  const { run: runLoad } = load;
  useEffect(() => {
    runLoad(async () => {
      const [mine, wsHours] = await Promise.all([hoursApi.inbox(ws, inboxId), hoursApi.get(ws)]);
      setH(mine);
      setFallback({ time_zone: wsHours.time_zone, week: wsHours.week, holidays: wsHours.holidays });
    });
  }, [runLoad, ws, inboxId]);

  if (!h) return load.error ? <Result error={load.error} /> : null;
  const schedule: Schedule = h.schedule
    ? { ...h.schedule, week: weekOf(h.schedule.week), holidays: h.schedule.holidays ?? [] }
    : (fallback ?? { time_zone: 'UTC', week: emptyWeek(), holidays: [] });
  function submit(e: FormEvent) {
    e.preventDefault();
    if (!h) return;
    save.run(async () => {
      setH(await hoursApi.putInbox(ws, inboxId, { ...h, schedule: h.mode === 'own' ? schedule : null }));
      return 'The inbox’s hours were saved.';
    });
  }
  return (
    <section className="panel" aria-labelledby={ids.title}>
      <h2 id={ids.title}>Business hours</h2>
      <form onSubmit={submit} className="form">
        <fieldset className="hours-mode">
          <legend>This inbox follows</legend>
          {MODES.map((m) => (
            <label key={m.mode} className="check">
              <input type="radio" name={`hours-mode-${inboxId}`} checked={h.mode === m.mode} onChange={() => setH({ ...h, mode: m.mode })} /> {m.label}
            </label>
          ))}
        </fieldset>
        {h.mode === 'inherit' && (
          <p className="muted">
            Set in <Link to="/settings/hours">Business hours</Link>.
          </p>
        )}
        {h.mode === 'own' && <ScheduleEditor label="This inbox’s hours" value={schedule} onChange={(s) => setH({ ...h, schedule: s })} />}
        {h.mode !== 'always' && (
          <div className="field">
            <label htmlFor={ids.text}>Away message for this inbox</label>
            <textarea
              id={ids.text}
              rows={2}
              maxLength={2000}
              placeholder="Empty: the workspace’s away message"
              value={h.away_message}
              onChange={(e) => setH({ ...h, away_message: e.target.value })}
            />
          </div>
        )}
        <button className="btn btn-primary" disabled={save.busy}>
          Save hours
        </button>
      </form>
      <Result error={save.error} ok={save.ok} />
    </section>
  );
}
