// The contacts API: list with filters, the client card's data, actions,
// attribute definitions, import and export.
import { request } from '../../api';
import type { Page } from '../../types';

export interface Identity {
  inbox_id: string;
  source_id: string;
}

export interface FullContact {
  id: string;
  name: string;
  email: string;
  phone: string;
  company: string;
  title: string;
  avatar_url: string;
  attributes: Record<string, string>;
  tags: string[];
  blocked: boolean;
  archived: boolean;
  marked: boolean;
  identities: Identity[];
  created_at: string;
  updated_at: string;
}

export interface AttributeDef {
  id: string;
  key: string;
  label: string;
  type: 'text' | 'number' | 'date' | 'list' | 'checkbox' | 'link';
  options: string[];
}

export interface ContactConversation {
  id: string;
  number: number;
  inbox_id: string;
  channel: string;
  status: string;
  blocked: boolean;
  subject: string;
  last_activity_at: string;
  last_message: { content: string; direction: string } | null;
}

export interface ActivityEntry {
  action: string;
  actor_id: string;
  data: unknown;
  created_at: string;
}

export interface ImportReport {
  id?: string;
  status: string;
  dry_run: boolean;
  total: number;
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  errors: { row: number; field?: string; message: string }[];
}

/** ContactFilters are the list's filters as the query string carries them. */
export interface ContactFilters {
  q?: string;
  channel?: string;
  tag?: string;
  has_phone?: string;
  has_email?: string;
  blocked?: string;
  archived?: string;
  marked?: string;
  attribute?: string;
  sort?: string;
}

export function filterQuery(f: ContactFilters): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) p.set(k, v);
  return p.toString();
}

const base = (ws: string) => `/workspaces/${ws}`;

export const contactsApi = {
  list: (ws: string, f: ContactFilters, cursor = '') =>
    request<Page<FullContact>>(`${base(ws)}/contacts?${filterQuery(f)}&limit=50${cursor ? '&cursor=' + encodeURIComponent(cursor) : ''}`),
  get: (ws: string, id: string) => request<FullContact>(`${base(ws)}/contacts/${id}`),
  update: (ws: string, id: string, body: Partial<FullContact>) =>
    request<FullContact>(`${base(ws)}/contacts/${id}`, { method: 'PATCH', body }),
  mark: (ws: string, id: string, on: boolean) =>
    request<FullContact>(`${base(ws)}/contacts/${id}/mark`, { method: on ? 'PUT' : 'DELETE' }),
  merge: (ws: string, survivor: string, other: string) =>
    request<FullContact>(`${base(ws)}/contacts/${survivor}/merge`, { method: 'POST', body: { other_id: other } }),
  conversations: (ws: string, id: string) => request<Page<ContactConversation>>(`${base(ws)}/contacts/${id}/conversations`),
  activity: (ws: string, id: string) => request<Page<ActivityEntry>>(`${base(ws)}/contacts/${id}/activity`),
  attributes: (ws: string) => request<Page<AttributeDef>>(`${base(ws)}/contact-attributes`),
  createAttribute: (ws: string, body: { key: string; label: string; type: string; options?: string[] }) =>
    request<AttributeDef>(`${base(ws)}/contact-attributes`, { method: 'POST', body }),
  bulk: (ws: string, action: 'tag' | 'untag' | 'delete', ids: string[], tags: string[] = []) =>
    request<{ changed: number }>(`${base(ws)}/contacts/bulk`, { method: 'POST', body: { action, ids, tags } }),
  importStatus: (ws: string, id: string) => request<ImportReport>(`${base(ws)}/contact-imports/${id}`),
  exportURL: (ws: string, f: ContactFilters) => `/api/v1${base(ws)}/contacts/export?${filterQuery(f)}`,
};

/** importCSV posts a CSV file; the report says what was (or would be) done. */
export async function importCSV(
  ws: string,
  file: Blob,
  opts: { mapping: Record<string, string>; dryRun: boolean; region?: string },
): Promise<ImportReport> {
  const p = new URLSearchParams({ mapping: JSON.stringify(opts.mapping) });
  if (opts.dryRun) p.set('dry_run', 'true');
  if (opts.region) p.set('region', opts.region);
  const res = await fetch(`/api/v1${base(ws)}/contact-imports?${p}`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/csv', Accept: 'application/json' },
    body: file,
  });
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const detail = data?.errors?.[0]?.message || data?.detail || `Import failed (${res.status}).`;
    throw new Error(detail);
  }
  return data as ImportReport;
}
