// The conversation list of the inbox: its pages, the view counts and the
// paced reloads that live updates ask for.
import { useCallback, useEffect, useRef, useState, type Dispatch, type MutableRefObject, type SetStateAction } from 'react';
import { appendPage, upsert, type ListFilter } from '../../model';
import { findApi, type ViewCounts } from '../find/api';
import type { FindQuery } from '../find/Find';
import type { ListState } from './events';

export const PAGE_SIZE = 50;

/** ListRefs are the latest values the long-lived handlers read. */
export interface ListRefs {
  conversationId: string | null;
  filter: ListFilter;
  query: FindQuery;
}

export interface ConversationList {
  list: ListState;
  setList: Dispatch<SetStateAction<ListState>>;
  counts: ViewCounts | null;
  setCounts: Dispatch<SetStateAction<ViewCounts | null>>;
  filteredTotal: number | null;
  filterError: string;
  reloadList: () => Promise<void>;
  loadMore: () => Promise<void>;
  refreshCounts: () => void;
  reloadSoon: () => void;
  /** markLive records a conversation applied from an event: a page fetched meanwhile does not overwrite it. */
  markLive: (id: string) => void;
}

export function useConversationList(ws: string, query: FindQuery, refs: MutableRefObject<ListRefs>): ConversationList {
  const [filterError, setFilterError] = useState('');
  const [filteredTotal, setFilteredTotal] = useState<number | null>(null);
  const [list, setList] = useState<ListState>({ items: [], cursor: '', loading: true, loaded: false, error: '' });
  const [counts, setCounts] = useState<ViewCounts | null>(null);
  const listGen = useRef(0);
  const listRef = useRef(list);
  listRef.current = list;
  // Ids of conversations applied from events since the list last started loading.
  const liveDuringLoad = useRef<Set<string>>(new Set());
  const countsTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const reloadList = useCallback(async () => {
    const g = ++listGen.current;
    liveDuringLoad.current = new Set();
    setList((l) => ({ ...l, loading: true, error: '' }));
    try {
      const page = await findApi.list(ws, { ...query, limit: PAGE_SIZE });
      if (g !== listGen.current) return;
      setFilterError('');
      // The open conversation was just marked read; a page fetched meanwhile may not know yet.
      const openId = refs.current.conversationId;
      const fetched = (page.items ?? []).map((c) => (c.id === openId && c.unread_count ? { ...c, unread_count: 0 } : c));
      const cursor = page.next_cursor ?? '';
      // Conversations that events brought while the page was on its way may
      // be newer than the page (or missing from it): keep the live version.
      setList((l) => {
        let items = fetched;
        for (const id of liveDuringLoad.current) {
          const live = l.items.find((x) => x.id === id);
          if (live) items = upsert(items, live, refs.current.filter, !!cursor);
        }
        return { items, cursor, loading: false, loaded: true, error: '' };
      });
    } catch (err) {
      if (g !== listGen.current) return;
      // A filter the server refuses is shown beside the condition it names.
      if ((err as { status?: number }).status === 422) {
        setFilterError((err as Error).message);
        setList({ items: [], cursor: '', loading: false, loaded: true, error: '' });
        return;
      }
      setList((l) => ({ ...l, loading: false, error: (err as Error).message }));
    }
  }, [ws, query, refs]);

  const loadMore = useCallback(async () => {
    const l = listRef.current;
    if (l.loading || !l.cursor) return;
    const g = listGen.current;
    setList((x) => ({ ...x, loading: true }));
    try {
      const page = await findApi.list(ws, { ...query, cursor: l.cursor, limit: PAGE_SIZE });
      if (g !== listGen.current) return;
      setList((x) => ({ ...x, items: appendPage(x.items, page.items ?? []), cursor: page.next_cursor ?? '', loading: false }));
    } catch (err) {
      if (g !== listGen.current) return;
      setList((x) => ({ ...x, loading: false, error: (err as Error).message }));
    }
  }, [ws, query]);

  const refreshCounts = useCallback(() => {
    if (countsTimer.current) return;
    countsTimer.current = setTimeout(async () => {
      countsTimer.current = null;
      try {
        const q = refs.current.query;
        const [c, f] = await Promise.all([
          findApi.counts(ws, { status: q.countStatus }),
          q.filter ? findApi.counts(ws, { status: q.status, teamId: q.teamId, filter: q.filter, views: [q.view] }) : Promise.resolve(null),
        ]);
        setCounts(c);
        setFilteredTotal(f ? (f[q.view] ?? null) : null);
      } catch {
        // Counts are best effort; the next event retries.
      }
    }, 200);
  }, [ws, refs]);

  const reloadTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const reloadSoon = useCallback(() => {
    if (reloadTimer.current) return;
    reloadTimer.current = setTimeout(() => {
      reloadTimer.current = null;
      reloadList();
    }, 500);
  }, [reloadList]);

  useEffect(
    () => () => {
      if (reloadTimer.current) clearTimeout(reloadTimer.current);
      if (countsTimer.current) clearTimeout(countsTimer.current);
    },
    [],
  );

  useEffect(() => {
    reloadList();
    findApi.counts(ws, { status: query.countStatus }).then(setCounts, () => {});
    setFilteredTotal(null);
    if (query.filter)
      findApi.counts(ws, { status: query.status, teamId: query.teamId, filter: query.filter, views: [query.view] }).then((f) => setFilteredTotal(f[query.view] ?? null), () => {});
  }, [reloadList, ws, query]);

  const markLive = useCallback((id: string) => {
    liveDuringLoad.current.add(id);
  }, []);

  return { list, setList, counts, setCounts, filteredTotal, filterError, reloadList, loadMore, refreshCounts, reloadSoon, markLive };
}
