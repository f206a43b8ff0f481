// What the list shows, kept in the address bar so a view, a filter and a
// sort can be linked to, reloaded and shared: ?view=&team=&filter=&sort=&saved=
// (and msg= to land on a message of the open conversation).
import type { Condition, Filter } from './api';

export interface FindState {
  view: string;
  teamId: string;
  /** filter is the filter object, or null for none. */
  filter: Filter | null;
  sort: string;
  /** savedId is the saved filter applied, if any. */
  savedId: string;
  /** msgId is a message to scroll to in the open conversation. */
  msgId: string;
}

export interface ViewDef {
  key: string;
  label: string;
}

/** VIEW_GROUPS are the server's views as the left panel groups them. */
export const VIEW_GROUPS: { label: string; views: ViewDef[] }[] = [
  {
    label: 'Inboxes',
    views: [
      { key: 'mine', label: 'My inbox' },
      { key: 'all', label: 'Team inbox' },
      { key: 'unassigned', label: 'Unassigned' },
      { key: 'queued', label: 'Queued' },
      { key: 'team', label: 'My teams' },
    ],
  },
  {
    label: 'Needs attention',
    views: [
      { key: 'pinned', label: 'Pinned' },
      { key: 'important', label: 'Important' },
      { key: 'unread', label: 'Unread' },
      { key: 'unread_team', label: 'Unread by team' },
      { key: 'unreplied', label: 'Unreplied' },
      { key: 'read_no_reply', label: 'Read, no reply' },
      { key: 'client_responded', label: 'Client responded' },
      { key: 'waiting_client', label: 'Waiting for client' },
      { key: 'handoff', label: 'Human handoff' },
      { key: 'appointments', label: 'Appointments' },
    ],
  },
  {
    label: 'More',
    views: [
      { key: 'dialogs', label: 'Dialogs' },
      { key: 'closed', label: 'Closed' },
    ],
  },
];

export const VIEW_KEYS = VIEW_GROUPS.flatMap((g) => g.views.map((v) => v.key));

export function viewLabel(key: string): string {
  for (const g of VIEW_GROUPS) for (const v of g.views) if (v.key === key) return v.label;
  return key;
}

export const SORTS: { key: string; label: string }[] = [
  { key: 'newest', label: 'Newest activity' },
  { key: 'oldest', label: 'Oldest activity' },
  { key: 'created', label: 'Newest created' },
  { key: 'priority', label: 'Priority' },
];

/** parseFind reads the find state from a location's search string. */
export function parseFind(search: string): FindState {
  const p = new URLSearchParams(search);
  const view = p.get('view') ?? '';
  let filter: Filter | null = null;
  const raw = p.get('filter');
  if (raw) {
    try {
      const f = JSON.parse(raw) as Filter;
      if (f && typeof f === 'object' && Array.isArray(f.conditions)) filter = f;
    } catch {
      filter = null;
    }
  }
  const sort = p.get('sort') ?? '';
  return {
    view: VIEW_KEYS.includes(view) ? view : 'all',
    teamId: p.get('team') ?? '',
    filter: filter && filter.conditions?.length ? filter : null,
    sort: SORTS.some((s) => s.key === sort) ? sort : 'newest',
    savedId: p.get('saved') ?? '',
    msgId: p.get('msg') ?? '',
  };
}

/** findSearch writes the find state as a search string ('' for the defaults). */
export function findSearch(s: Partial<FindState>): string {
  const p = new URLSearchParams();
  if (s.view && s.view !== 'all') p.set('view', s.view);
  if (s.view === 'team' && s.teamId) p.set('team', s.teamId);
  if (s.filter && s.filter.conditions?.length) p.set('filter', JSON.stringify(s.filter));
  if (s.sort && s.sort !== 'newest') p.set('sort', s.sort);
  if (s.savedId) p.set('saved', s.savedId);
  if (s.msgId) p.set('msg', s.msgId);
  const str = p.toString();
  return str ? '?' + str : '';
}

/** filterParam is the filter query parameter for the API ('' for none). */
export function filterParam(f: Filter | null): string {
  return f && f.conditions?.length ? JSON.stringify({ match: f.match ?? 'all', conditions: f.conditions }) : '';
}

/** conditionsOf answers a filter's conditions with their field and op set. */
export function conditionsOf(f: Filter | null): Condition[] {
  return (f?.conditions ?? []).filter((c): c is Condition => !!c?.field && !!c?.op) as Condition[];
}
