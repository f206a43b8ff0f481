// /settings/notifications: scope, channels per type, time zone and quiet
// hours, and push on this device.
import { useEffect, useState } from 'react';
import { navigate } from '../../router';
import { useSession } from '../../session';
import { TopBar } from '../../ui';
import { NOTIFICATION_TYPES, notificationsApi, type Channels, type Preferences, type QuietWindow } from './api';
import { enablePush, pushSupported } from './push';

const CHANNELS: { key: keyof Channels; label: string }[] = [
  { key: 'in_app', label: 'In app' },
  { key: 'push', label: 'Push' },
  { key: 'email', label: 'Email' },
  { key: 'sound', label: 'Sound' },
];

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export function NotificationSettings() {
  const { workspace } = useSession();
  const [prefs, setPrefs] = useState<Preferences | null>(null);
  const [status, setStatus] = useState<{ ok?: string; error?: string }>({});
  const [busy, setBusy] = useState(false);
  const [push, setPush] = useState('');

  useEffect(() => {
    notificationsApi
      .preferences(workspace.id)
      .then(setPrefs)
      .catch((e: Error) => setStatus({ error: e.message }));
  }, [workspace.id]);

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!prefs) return;
    setBusy(true);
    setStatus({});
    try {
      setPrefs(await notificationsApi.savePreferences(workspace.id, prefs));
      setStatus({ ok: 'Preferences saved.' });
    } catch (err) {
      setStatus({ error: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };

  const setChannel = (type: string, key: keyof Channels, on: boolean) =>
    setPrefs((p) => (p ? { ...p, types: { ...p.types, [type]: { ...p.types[type as keyof Preferences['types']], [key]: on } } } : p));
  const setWindow = (i: number, w: Partial<QuietWindow>) =>
    setPrefs((p) => (p ? { ...p, quiet_hours: p.quiet_hours.map((x, j) => (j === i ? { ...x, ...w } : x)) } : p));

  return (
    <div className="app">
      <TopBar />
      <main className="page" aria-labelledby="np-title">
        <div className="page-head">
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => navigate('/')}>
            ← Back to inbox
          </button>
          <h1 id="np-title">Notifications</h1>
        </div>
        {!prefs ? (
          <p className="muted">{status.error ?? 'Loading…'}</p>
        ) : (
          <form className="form" onSubmit={save}>
            <section className="panel" aria-labelledby="np-scope">
              <h2 id="np-scope">What to be told about</h2>
              <fieldset className="radios">
                <legend className="sr-only">Scope</legend>
                {(
                  [
                    ['all', 'All messages'],
                    ['assigned', 'Assigned to me only'],
                    ['mentions', 'Mentions only'],
                  ] as const
                ).map(([v, l]) => (
                  <label key={v}>
                    <input type="radio" name="scope" value={v} checked={prefs.scope === v} onChange={() => setPrefs({ ...prefs, scope: v })} /> {l}
                  </label>
                ))}
              </fieldset>
              <table className="np-table">
                <thead>
                  <tr>
                    <th scope="col">Type</th>
                    {CHANNELS.map((c) => (
                      <th scope="col" key={c.key}>
                        {c.label}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {NOTIFICATION_TYPES.map((t) => (
                    <tr key={t.type}>
                      <th scope="row">{t.label}</th>
                      {CHANNELS.map((c) => (
                        <td key={c.key}>
                          <input
                            type="checkbox"
                            aria-label={`${t.label}: ${c.label}`}
                            checked={!!prefs.types[t.type]?.[c.key]}
                            onChange={(e) => setChannel(t.type, c.key, e.target.checked)}
                          />
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>

            <section className="panel" aria-labelledby="np-quiet">
              <h2 id="np-quiet">Quiet hours</h2>
              <p className="muted">Push, sound and email wait until the window ends, then come as one summary. The list in the app keeps everything.</p>
              <label className="field">
                <span>Time zone</span>
                <input name="time_zone" value={prefs.time_zone} onChange={(e) => setPrefs({ ...prefs, time_zone: e.target.value })} />
              </label>
              {prefs.quiet_hours.map((w, i) => (
                <div className="row gap center-y np-window" key={i}>
                  <label>
                    From <input type="time" aria-label="Quiet from" value={w.start} onChange={(e) => setWindow(i, { start: e.target.value })} />
                  </label>
                  <label>
                    to <input type="time" aria-label="Quiet until" value={w.end} onChange={(e) => setWindow(i, { end: e.target.value })} />
                  </label>
                  {DAYS.map((d, di) => (
                    <label key={d} className="np-day">
                      <input
                        type="checkbox"
                        checked={w.days.includes(di)}
                        onChange={(e) =>
                          setWindow(i, { days: e.target.checked ? [...w.days, di].sort() : w.days.filter((x) => x !== di) })
                        }
                      />
                      {d}
                    </label>
                  ))}
                  <button
                    type="button"
                    className="btn btn-ghost btn-sm"
                    onClick={() => setPrefs({ ...prefs, quiet_hours: prefs.quiet_hours.filter((_, j) => j !== i) })}
                  >
                    Remove
                  </button>
                </div>
              ))}
              <div>
                <button
                  type="button"
                  className="btn btn-sm"
                  onClick={() =>
                    setPrefs({
                      ...prefs,
                      time_zone: prefs.quiet_hours.length === 0 && prefs.time_zone === 'UTC' ? localZone() : prefs.time_zone,
                      quiet_hours: [...prefs.quiet_hours, { start: '22:00', end: '07:00', days: [] }],
                    })
                  }
                >
                  Add quiet hours
                </button>
              </div>
              <label className="field">
                <span>Email what is still unread after (minutes)</span>
                <input
                  type="number"
                  min={1}
                  max={10080}
                  value={prefs.email_delay_minutes}
                  onChange={(e) => setPrefs({ ...prefs, email_delay_minutes: Number(e.target.value) })}
                />
              </label>
            </section>
            {status.error && (
              <p className="error" role="alert">
                {status.error}
              </p>
            )}
            {status.ok && (
              <p className="ok" role="status">
                {status.ok}
              </p>
            )}
            <div>
              <button type="submit" className="btn btn-primary" disabled={busy}>
                Save preferences
              </button>
            </div>
          </form>
        )}
        <section className="panel" aria-labelledby="np-push">
          <h2 id="np-push">Push on this device</h2>
          {pushSupported() ? (
            <>
              <p className="muted">Get notifications with the tab closed, and on your phone from the installed app.</p>
              <button
                type="button"
                className="btn"
                onClick={async () => {
                  try {
                    setPush(await enablePush());
                  } catch (err) {
                    setPush((err as Error).message);
                  }
                }}
              >
                Enable push notifications
              </button>
              {push && <p role="status">{push}</p>}
            </>
          ) : (
            <p className="muted">This browser cannot receive push notifications.</p>
          )}
        </section>
      </main>
    </div>
  );
}

function localZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}
