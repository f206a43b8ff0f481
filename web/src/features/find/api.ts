// The find API: lists by view, filter and sort; counts; saved filters;
// search across conversations and inside one; the dashboard tiles.
import { request, type Schemas } from '../../api';
import type { Conversation, Page } from '../../types';

export type Filter = Schemas['Filter'];
export type Condition = { field: string; op: string; value?: unknown };
export type SavedFilter = Schemas['SavedFilter'];
export type Hit = Schemas['Hit'];
export type ThreadHit = Schemas['ThreadHit'];
export type DashboardData = Schemas['Dashboard'];
export type ViewCounts = Record<string, number>;

export interface ListQuery {
  view: string;
  status?: string[];
  teamId?: string;
  filter?: string;
  sort?: string;
}

function qs(params: Record<string, string | number | undefined>): string {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') s.set(k, String(v));
  const str = s.toString();
  return str ? '?' + str : '';
}

export const findApi = {
  list: (ws: string, p: ListQuery & { cursor?: string; limit?: number }, signal?: AbortSignal) =>
    request<Page<Conversation>>(
      `/workspaces/${ws}/conversations` +
        qs({
          view: p.view,
          status: p.status?.join(','),
          team_id: p.teamId,
          filter: p.filter,
          sort: p.sort,
          cursor: p.cursor,
          limit: p.limit,
        }),
      { signal },
    ),
  // views: count only these (a filtered count costs a scan per view).
  counts: (ws: string, p: { status?: string[]; teamId?: string; filter?: string; views?: string[] } = {}, signal?: AbortSignal) =>
    request<ViewCounts>(
      `/workspaces/${ws}/conversations/counts` +
        qs({ status: p.status?.join(','), team_id: p.teamId, filter: p.filter, views: p.views?.join(',') }),
      { signal },
    ),
  savedFilters: (ws: string) => request<{ items: SavedFilter[] | null }>(`/workspaces/${ws}/saved-filters`),
  createSavedFilter: (ws: string, body: { name: string; filter: Filter; shared: boolean }) =>
    request<SavedFilter>(`/workspaces/${ws}/saved-filters`, { method: 'POST', body }),
  updateSavedFilter: (ws: string, id: string, body: { name?: string; filter?: Filter; shared?: boolean }) =>
    request<SavedFilter>(`/workspaces/${ws}/saved-filters/${id}`, { method: 'PATCH', body }),
  duplicateSavedFilter: (ws: string, id: string, name?: string) =>
    request<SavedFilter>(`/workspaces/${ws}/saved-filters/${id}/duplicate`, { method: 'POST', body: name ? { name } : {} }),
  deleteSavedFilter: (ws: string, id: string) => request<void>(`/workspaces/${ws}/saved-filters/${id}`, { method: 'DELETE' }),
  search: (ws: string, q: string, signal?: AbortSignal) =>
    request<Schemas['Result']>(`/workspaces/${ws}/search` + qs({ q, limit: 30 }), { signal }),
  searchThread: (ws: string, conversationId: string, q: string, signal?: AbortSignal) =>
    request<Schemas['ThreadResult']>(`/workspaces/${ws}/conversations/${conversationId}/search` + qs({ q }), { signal }),
  dashboard: (ws: string, signal?: AbortSignal) => request<DashboardData>(`/workspaces/${ws}/dashboard`, { signal }),
};
