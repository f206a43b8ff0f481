// The REST calls of business hours: the workspace's hours and away
// message, and each inbox's override.
import { request } from '../../api';

export interface Interval {
  start: string;
  end: string;
  next_day?: boolean;
}

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Day = (typeof DAYS)[number];
export type Week = Record<Day, Interval[]>;

export const DAY_LABELS: Record<Day, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

export interface Holiday {
  date: string;
  name?: string;
}

export interface Schedule {
  time_zone: string;
  week: Week;
  holidays: Holiday[];
}

export interface WorkspaceHours extends Schedule {
  enabled: boolean;
  away_enabled: boolean;
  away_message: string;
  updated_at?: string;
}

export type InboxMode = 'inherit' | 'own' | 'always';

export interface InboxHours {
  inbox_id?: string;
  mode: InboxMode;
  schedule?: Schedule | null;
  away_message: string;
  updated_at?: string;
}

const w = (ws: string) => `/workspaces/${encodeURIComponent(ws)}`;

/** emptyWeek is a week with every day closed. */
export function emptyWeek(): Week {
  return { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
}

/** weekOf fills the days the server left out (null or missing) with closed days. */
export function weekOf(w: Partial<Record<Day, Interval[] | null>> | null | undefined): Week {
  const out = emptyWeek();
  for (const d of DAYS) out[d] = w?.[d] ?? [];
  return out;
}

export const hoursApi = {
  get: async (ws: string) => {
    const h = await request<WorkspaceHours>(`${w(ws)}/business-hours`);
    return { ...h, week: weekOf(h.week), holidays: h.holidays ?? [] };
  },
  put: async (ws: string, h: WorkspaceHours) => {
    const { enabled, time_zone, week, holidays, away_enabled, away_message } = h;
    const r = await request<WorkspaceHours>(`${w(ws)}/business-hours`, {
      method: 'PUT',
      body: { enabled, time_zone, week, holidays, away_enabled, away_message },
    });
    return { ...r, week: weekOf(r.week), holidays: r.holidays ?? [] };
  },
  inbox: (ws: string, inboxId: string) => request<InboxHours>(`${w(ws)}/inboxes/${encodeURIComponent(inboxId)}/business-hours`),
  putInbox: (ws: string, inboxId: string, h: InboxHours) =>
    request<InboxHours>(`${w(ws)}/inboxes/${encodeURIComponent(inboxId)}/business-hours`, {
      method: 'PUT',
      body: { mode: h.mode, away_message: h.away_message, ...(h.mode === 'own' && h.schedule ? { schedule: h.schedule } : {}) },
    }),
};

/** timeZones lists the IANA zones the browser knows (the server checks them too). */
export function timeZones(current: string): string[] {
  let zones: string[];
  try {
    zones = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  } catch {
    zones = []; // an old browser: UTC and the stored zone only
  }
  const set = new Set(['UTC', ...zones]);
  if (current) set.add(current);
  return [...set].sort((a, b) => (a === 'UTC' ? -1 : b === 'UTC' ? 1 : a.localeCompare(b)));
}
