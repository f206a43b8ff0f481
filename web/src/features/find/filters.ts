// The filter builder's model: the basic filters (channel, has phone, has
// email) and the other conditions as rows an agent edits, turned into the
// server's filter object and back. Pure functions, tested in filters.test.ts.
import type { Condition, Filter } from './api';

export type Tri = '' | 'true' | 'false';

export interface Basic {
  channel: string;
  hasPhone: Tri;
  hasEmail: Tri;
}

export interface Row {
  /** field is a filter field; "attribute" stands for contact.attributes.<attrKey>. */
  field: string;
  attrKey: string;
  op: string;
  /** value holds one value, or several for in/nin. */
  value: string[];
  /** to is the end of a between range. */
  to: string;
}

export interface BuilderState {
  match: 'all' | 'any';
  basic: Basic;
  rows: Row[];
}

/** Where each condition of a built filter came from, to put a server error beside it. */
export type Origin = 'channel' | 'has_phone' | 'has_email' | number;

export const FIELDS: { key: string; label: string; ops: string[] }[] = [
  { key: 'inbox', label: 'Inbox', ops: ['eq', 'neq', 'in', 'nin'] },
  { key: 'status', label: 'Status', ops: ['eq', 'neq', 'in', 'nin'] },
  { key: 'assignee', label: 'Assignee', ops: ['eq', 'neq', 'in', 'nin', 'exists'] },
  { key: 'team', label: 'Team', ops: ['eq', 'neq', 'in', 'nin', 'exists'] },
  { key: 'tag', label: 'Tag', ops: ['eq', 'neq', 'in', 'nin', 'exists'] },
  { key: 'label', label: 'Label', ops: ['eq', 'neq', 'in', 'nin', 'exists'] },
  { key: 'ai_mode', label: 'AI mode', ops: ['eq', 'neq', 'in', 'nin'] },
  { key: 'priority', label: 'Priority', ops: ['eq', 'neq', 'in', 'nin', 'gt', 'lt'] },
  { key: 'source', label: 'Source (campaign)', ops: ['eq', 'neq', 'in', 'nin', 'contains', 'exists'] },
  { key: 'created_at', label: 'Created', ops: ['eq', 'gt', 'lt', 'between'] },
  { key: 'last_activity_at', label: 'Last activity', ops: ['eq', 'gt', 'lt', 'between'] },
  { key: 'number', label: 'Number', ops: ['eq', 'neq', 'in', 'nin', 'gt', 'lt', 'between'] },
  { key: 'channel', label: 'Channel', ops: ['eq', 'neq', 'in', 'nin'] },
  { key: 'attribute', label: 'Contact attribute', ops: ['eq', 'neq', 'in', 'nin', 'contains', 'exists', 'gt', 'lt'] },
];

const TIME_FIELDS = ['created_at', 'last_activity_at'];

export const PERIODS: { key: string; label: string }[] = [
  { key: 'today', label: 'Today' },
  { key: '24h', label: 'Last 24 hours' },
  { key: '7d', label: 'Last 7 days' },
  { key: '30d', label: 'Last 30 days' },
  { key: 'this_month', label: 'This month' },
];

export function opLabel(field: string, op: string): string {
  const time = TIME_FIELDS.includes(field);
  switch (op) {
    case 'eq':
      return time ? 'in the' : 'is';
    case 'neq':
      return 'is not';
    case 'in':
      return 'is any of';
    case 'nin':
      return 'is none of';
    case 'contains':
      return 'contains';
    case 'gt':
      return time ? 'after' : field === 'priority' ? 'above' : 'greater than';
    case 'lt':
      return time ? 'before' : field === 'priority' ? 'below' : 'less than';
    case 'between':
      return 'between';
    case 'exists':
      return field === 'assignee' || field === 'team' ? 'is set' : 'has any';
  }
  return op;
}

export const emptyBasic: Basic = { channel: '', hasPhone: '', hasEmail: '' };

export function newRow(field = 'status'): Row {
  const f = FIELDS.find((x) => x.key === field) ?? FIELDS[0];
  return { field: f.key, attrKey: '', op: f.ops[0], value: TIME_FIELDS.includes(f.key) ? ['today'] : [], to: '' };
}

export function isTimeField(field: string): boolean {
  return TIME_FIELDS.includes(field);
}

/** toLocalInput renders an RFC 3339 time for a datetime-local input. */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function fromLocalInput(v: string): string | null {
  if (!v) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

function intOf(v: string): number | null {
  const s = v.trim().replace(/^#/, '');
  return /^-?\d+$/.test(s) ? Number(s) : null;
}

/** rowCondition turns a row into a condition, or null while it is incomplete. */
export function rowCondition(r: Row): Condition | null {
  let field = r.field;
  if (field === 'attribute') {
    if (!r.attrKey.trim()) return null;
    field = 'contact.attributes.' + r.attrKey.trim();
  }
  const vals = r.value.map((v) => v.trim()).filter(Boolean);
  if (r.op === 'exists') return { field, op: 'exists', value: true };
  if (isTimeField(r.field)) {
    if (r.op === 'eq') return vals[0] ? { field, op: 'eq', value: vals[0] } : null;
    const from = fromLocalInput(vals[0] ?? '');
    if (!from) return null;
    if (r.op === 'between') {
      const to = fromLocalInput(r.to);
      return to ? { field, op: 'between', value: { from, to } } : null;
    }
    return { field, op: r.op, value: from };
  }
  if (r.field === 'number') {
    if (r.op === 'between') {
      const a = intOf(vals[0] ?? '');
      const b = intOf(r.to);
      return a !== null && b !== null ? { field, op: 'between', value: [a, b] } : null;
    }
    const nums = vals.map(intOf);
    if (!nums.length || nums.some((n) => n === null)) return null;
    return r.op === 'in' || r.op === 'nin' ? { field, op: r.op, value: nums } : { field, op: r.op, value: nums[0] };
  }
  if (!vals.length) return null;
  if (r.op === 'in' || r.op === 'nin') return { field, op: r.op, value: vals };
  return { field, op: r.op, value: vals[0] };
}

/** toFilter builds the filter object (null when empty) and where each condition came from. */
export function toFilter(s: BuilderState): { filter: Filter | null; origins: Origin[] } {
  const conditions: Condition[] = [];
  const origins: Origin[] = [];
  if (s.basic.channel) {
    conditions.push({ field: 'channel', op: 'eq', value: s.basic.channel });
    origins.push('channel');
  }
  if (s.basic.hasPhone) {
    conditions.push({ field: 'has_phone', op: 'eq', value: s.basic.hasPhone === 'true' });
    origins.push('has_phone');
  }
  if (s.basic.hasEmail) {
    conditions.push({ field: 'has_email', op: 'eq', value: s.basic.hasEmail === 'true' });
    origins.push('has_email');
  }
  s.rows.forEach((r, i) => {
    const c = rowCondition(r);
    if (c) {
      conditions.push(c);
      origins.push(i);
    }
  });
  return { filter: conditions.length ? { match: s.match, conditions } : null, origins };
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

/** conditionRow turns a condition back into a row (for a filter from a link or a saved filter). */
export function conditionRow(c: Condition): Row {
  let field = c.field;
  let attrKey = '';
  if (field.startsWith('contact.attributes.')) {
    attrKey = field.slice('contact.attributes.'.length);
    field = 'attribute';
  }
  const r: Row = { field, attrKey, op: c.op, value: [], to: '' };
  const v = c.value;
  if (c.op === 'exists') return r;
  if (isTimeField(field) && c.op !== 'eq') {
    if (c.op === 'between' && v && typeof v === 'object') {
      const o = v as { from?: string; to?: string };
      r.value = [toLocalInput(o.from ?? '')];
      r.to = toLocalInput(o.to ?? '');
    } else r.value = [toLocalInput(str(v))];
    return r;
  }
  if (field === 'number' && c.op === 'between' && Array.isArray(v)) {
    r.value = [str(v[0])];
    r.to = str(v[1]);
    return r;
  }
  r.value = Array.isArray(v) ? v.map(str) : [str(v)];
  return r;
}

/** fromFilter splits a filter into the builder's basic filters and rows. */
export function fromFilter(f: Filter | null): BuilderState {
  const basic: Basic = { ...emptyBasic };
  const rows: Row[] = [];
  for (const c of (f?.conditions ?? []) as Condition[]) {
    if (!c?.field) continue;
    if (c.field === 'channel' && c.op === 'eq' && typeof c.value === 'string' && !basic.channel) basic.channel = c.value;
    else if (c.field === 'has_phone' && c.op === 'eq' && typeof c.value === 'boolean' && !basic.hasPhone) basic.hasPhone = c.value ? 'true' : 'false';
    else if (c.field === 'has_email' && c.op === 'eq' && typeof c.value === 'boolean' && !basic.hasEmail) basic.hasEmail = c.value ? 'true' : 'false';
    else rows.push(conditionRow(c));
  }
  return { match: f?.match === 'any' ? 'any' : 'all', basic, rows };
}

/**
 * errorOrigin finds which condition a 422 from the server is about: its
 * message names "Condition N (field)". null when it is about the filter as
 * a whole (or not about the filter).
 */
export function errorOrigin(message: string, origins: Origin[]): Origin | null {
  const m = /Condition (\d+)\b/.exec(message);
  if (!m) return null;
  const i = Number(m[1]) - 1;
  return i >= 0 && i < origins.length ? origins[i] : null;
}
