// The schedule editor: the time zone, each weekday's opening intervals
// (several a day, overnight ones ending the next day) and the holidays.
// The server validates too and names the field it refuses.
import { useId, useMemo } from 'react';
import { DAY_LABELS, DAYS, timeZones, type Day, type Holiday, type Interval, type Schedule } from './api';

/** nextInterval proposes the interval to add after a day's last one. */
export function nextInterval(list: Interval[]): Interval {
  const last = list[list.length - 1];
  if (!last) return { start: '09:00', end: '17:00' };
  if (last.next_day || last.end >= '23:00' || last.end === '24:00') return { start: '00:00', end: '01:00' };
  const [h, m] = last.end.split(':').map(Number);
  const start = `${String(h + 1).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
  return { start, end: h + 2 >= 24 ? '24:00' : `${String(h + 2).padStart(2, '0')}:${String(m).padStart(2, '0')}` };
}

export function ScheduleEditor({ value, onChange, label }: { value: Schedule; onChange: (s: Schedule) => void; label: string }) {
  const zoneId = useId();
  const zones = useMemo(() => timeZones(value.time_zone), [value.time_zone]);
  const setDay = (d: Day, list: Interval[]) => onChange({ ...value, week: { ...value.week, [d]: list } });
  const setHoliday = (i: number, h: Holiday) => onChange({ ...value, holidays: value.holidays.map((x, j) => (j === i ? h : x)) });
  return (
    <fieldset className="hours-schedule">
      <legend>{label}</legend>
      <div className="field field-inline">
        <label htmlFor={zoneId}>Time zone</label>
        <select id={zoneId} value={value.time_zone} onChange={(e) => onChange({ ...value, time_zone: e.target.value })}>
          {zones.map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </select>
      </div>
      <table className="hours-week">
        <caption className="visually-hidden">Weekly hours</caption>
        <tbody>
          {DAYS.map((d) => (
            <DayRow key={d} day={d} list={value.week[d]} onChange={(l) => setDay(d, l)} />
          ))}
        </tbody>
      </table>
      <h3 className="hours-sub">Holidays</h3>
      {value.holidays.length === 0 && <p className="muted">No holidays: the weekly hours apply every week.</p>}
      <ul className="hours-holidays">
        {value.holidays.map((h, i) => (
          <li key={i}>
            <input
              type="date"
              aria-label={`Holiday ${i + 1} date`}
              value={h.date}
              required
              onChange={(e) => setHoliday(i, { ...h, date: e.target.value })}
            />
            <input
              aria-label={`Holiday ${i + 1} name`}
              placeholder="Name (optional)"
              maxLength={100}
              value={h.name ?? ''}
              onChange={(e) => setHoliday(i, { ...h, name: e.target.value })}
            />
            <button
              type="button"
              className="btn btn-sm btn-ghost"
              aria-label={`Remove holiday ${i + 1}`}
              onClick={() => onChange({ ...value, holidays: value.holidays.filter((_, j) => j !== i) })}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      <button type="button" className="btn btn-sm" onClick={() => onChange({ ...value, holidays: [...value.holidays, { date: '', name: '' }] })}>
        Add a holiday
      </button>
    </fieldset>
  );
}

/** overnight marks an interval as ending the next day or not; midnight is 00:00 the next day, 24:00 the same day. */
export function overnight(iv: Interval, on: boolean): Interval {
  if (on) return { ...iv, next_day: true, end: iv.end === '24:00' ? '00:00' : iv.end };
  return { start: iv.start, end: iv.end === '00:00' ? '24:00' : iv.end };
}

function DayRow({ day, list, onChange }: { day: Day; list: Interval[]; onChange: (l: Interval[]) => void }) {
  const name = DAY_LABELS[day];
  const set = (i: number, iv: Interval) => onChange(list.map((x, j) => (j === i ? iv : x)));
  return (
    <tr>
      <th scope="row">{name}</th>
      <td>
        {list.length === 0 && <span className="muted">Closed</span>}
        {list.map((iv, i) => (
          <span key={i} className="hours-interval">
            <input
              type="time"
              aria-label={`${name} interval ${i + 1} start`}
              value={iv.start}
              required
              onChange={(e) => set(i, { ...iv, start: e.target.value })}
            />
            <span aria-hidden="true">–</span>
            <input
              type="time"
              aria-label={`${name} interval ${i + 1} end`}
              value={iv.end === '24:00' ? '00:00' : iv.end}
              required
              onChange={(e) => set(i, { ...iv, end: e.target.value === '00:00' && !iv.next_day ? '24:00' : e.target.value })}
            />
            <label className="check">
              <input type="checkbox" checked={!!iv.next_day} onChange={(e) => set(i, overnight(iv, e.target.checked))} />{' '}
              ends next day
            </label>
            <button type="button" className="btn btn-sm btn-ghost" aria-label={`Remove ${name} interval ${i + 1}`} onClick={() => onChange(list.filter((_, j) => j !== i))}>
              ×
            </button>
          </span>
        ))}
        <button type="button" className="btn btn-sm btn-ghost" aria-label={`Add hours on ${name}`} onClick={() => onChange([...list, nextInterval(list)])}>
          <span aria-hidden="true">+ </span>Add hours
        </button>
      </td>
    </tr>
  );
}
