// The inbox's find side: the view, filter and sort from the address bar,
// the left panel (views with counts, saved filters, filter builder) and the
// server search behind the search box.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api } from '../../api';
import { navigate } from '../../router';
import { DEFAULT_STATUSES, type Conversation, type Inbox, type Member, type Status, type Team, type User } from '../../types';
import { findApi, type Filter, type Hit, type ViewCounts } from './api';
import { FilterBuilder, type BuilderOptions } from './FilterBuilder';
import { filterParam, findSearch, parseFind, type FindState } from './query';
import { SavedFilters } from './SavedFilters';
import { Snippet } from './Snippet';
import { ViewsNav } from './ViewsNav';
import './find.css';

/** The views the browser can place a changed conversation in by itself. */
const CLIENT_VIEWS = ['all', 'mine', 'unassigned', 'queued'];
/** The views whose default status list the inbox has always sent. */
const STATUS_VIEWS = ['all', 'mine', 'unassigned'];

/** serverListed tells whether only the server can say what the list holds (and in which order). */
export function serverListed(s: FindState): boolean {
  return !CLIENT_VIEWS.includes(s.view) || !!s.filter || s.sort !== 'newest';
}

export interface FindQuery {
  view: string;
  status?: Status[];
  /** countStatus is the status list for the view counts (none: each view's default). */
  countStatus?: Status[];
  teamId?: string;
  filter?: string;
  sort?: string;
}

export interface Find {
  state: FindState;
  listView: string;
  query: FindQuery;
  setView: (v: string) => void;
  set: (patch: Partial<FindState>) => void;
  /** keep answers the search string that keeps the find state (and lands on msgId). */
  keep: (msgId: string) => string;
}

/** useFind reads the find state from the address and writes changes back to it. */
export function useFind(search: string, statusKey: string, presetStatuses: Status[]): Find {
  const state = useMemo(() => parseFind(search), [search]);
  const set = useCallback((patch: Partial<FindState>) => {
    const next = { ...parseFind(window.location.search), msgId: '', ...patch };
    navigate(window.location.pathname + findSearch(next));
  }, []);
  const setView = useCallback((v: string) => set({ view: v, teamId: '' }), [set]);
  const keep = useCallback((msgId: string) => findSearch({ ...parseFind(window.location.search), msgId }), []);
  const fp = filterParam(state.filter);
  const custom = statusKey !== 'unresolved';
  const statusKeyList = custom ? presetStatuses.join(',') : '';
  const query = useMemo<FindQuery>(() => {
    const preset = statusKeyList ? (statusKeyList.split(',') as Status[]) : undefined;
    let status: Status[] | undefined;
    if (state.view !== 'queued') status = preset ?? (STATUS_VIEWS.includes(state.view) ? DEFAULT_STATUSES : undefined);
    return {
      view: state.view,
      status,
      countStatus: preset,
      teamId: state.view === 'team' ? state.teamId || undefined : undefined,
      filter: fp || undefined,
      sort: state.sort === 'newest' ? undefined : state.sort,
    };
  }, [state.view, state.teamId, state.sort, fp, statusKeyList]);
  return useMemo(() => ({ state, listView: state.view, query, setView, set, keep }), [state, query, setView, set, keep]);
}

/** A list row: a conversation, or a search hit in one. */
export type FindRow = Conversation & { hit?: Hit };

export function withHit(hits: Hit[]): FindRow[] {
  return hits.filter((h) => h.conversation?.id).map((h) => ({ ...(h.conversation as unknown as Conversation), hit: h }));
}

/**
 * useServerSearch asks the server (300 ms after the last keystroke) and
 * answers its hits, or null before the first answer or after a failure.
 */
export function useServerSearch(ws: string, q: string): Hit[] | null {
  const [hits, setHits] = useState<{ q: string; items: Hit[] } | null>(null);
  const query = q.trim();
  useEffect(() => {
    if (!query) {
      setHits(null);
      return;
    }
    const ctl = new AbortController();
    const t = setTimeout(() => {
      findApi.search(ws, query, ctl.signal).then(
        (r) => setHits({ q: query, items: r.items ?? [] }),
        (err) => {
          if ((err as Error).name !== 'AbortError') setHits(null);
        },
      );
    }, 300);
    return () => {
      clearTimeout(t);
      ctl.abort();
    };
  }, [ws, query]);
  return query && hits ? hits.items : null;
}

export function SearchSnippet({ hit }: { hit: Hit }) {
  return (
    <span className="hit-snippet" data-testid="search-snippet">
      <Snippet html={hit.snippet ?? ''} />
    </span>
  );
}

/** FindSidebar is the left panel above the list. */
export function FindSidebar({
  find,
  counts,
  filterError,
  ws,
  me,
  isAdmin,
  teams,
  members,
}: {
  find: Find;
  counts: ViewCounts | null;
  filterError: string;
  ws: string;
  me: User;
  isAdmin: boolean;
  teams: Team[];
  members: Member[];
}) {
  const [saving, setSaving] = useState(false);
  const [inboxes, setInboxes] = useState<Inbox[]>([]);
  useEffect(() => {
    api.inboxes(ws).then(
      (r) => setInboxes(r.items ?? []),
      () => {},
    );
  }, [ws]);
  const myTeams = useMemo(() => {
    const mine = teams.filter((t) => (t.member_ids ?? []).includes(me.id));
    return mine.length ? mine : teams;
  }, [teams, me.id]);
  const options: BuilderOptions = useMemo(
    () => ({
      channels: Array.from(new Set(inboxes.map((i) => String(i.channel)))).sort(),
      inboxes: inboxes.map((i) => ({ value: i.id, label: i.name })),
      members: members.map((m) => ({ value: m.id, label: m.id === me.id ? `${m.name} (you)` : m.name })),
      teams: teams.map((t) => ({ value: t.id, label: t.name })),
    }),
    [inboxes, members, teams, me.id],
  );
  const { state } = find;
  return (
    <div className="find-panel">
      <ViewsNav
        view={state.view}
        counts={counts}
        onView={find.setView}
        teams={myTeams}
        teamId={state.teamId}
        onTeam={(id) => find.set({ teamId: id })}
      />
      <SavedFilters
        ws={ws}
        meId={me.id}
        isAdmin={isAdmin}
        activeId={state.savedId}
        current={state.filter}
        saving={saving}
        onSaving={setSaving}
        onApply={(f) => find.set(f ? { filter: (f.filter as Filter) ?? null, savedId: f.id ?? '' } : { filter: null, savedId: '' })}
      />
      <FilterBuilder
        value={state.filter}
        onChange={(f) => find.set({ filter: f, savedId: '' })}
        error={filterError}
        sort={state.sort}
        onSort={(s) => find.set({ sort: s })}
        options={options}
        onSave={() => setSaving(true)}
      />
    </div>
  );
}
