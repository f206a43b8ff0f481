// The inbox: views and the conversation list on the left, the thread and
// composer in the centre, the contact and conversation details on the right.
// Everything is kept live over the WebSocket.
import { useCallback, useEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import { ContinuesLink } from './features/links/ContinuesLink';
import { api } from './api';
import { lastInbound, reachableInboxes } from './channels';
import { Composer, type ComposerHandle } from './Composer';
import { ContactCard, ConversationDetails } from './Details';
import { channelLabel, listTime, previewPrefix, STATUS_LABELS, AI_MODE_LABELS } from './format';
import { appendPage, matches, mergeMessages, messageCreated, remove, searchFilter, tagEvent, upsert, type ListFilter, type TagEvent } from './model';
import { workdayApi } from './features/workday/api';
import { MergeDialog, NewChatDialog, ResolveDialog, TransferDialog } from './features/workday/dialogs';
import { PaymentRequests } from './features/workday/Payments';
import { RealtimeClient, type ConnectionState } from './realtime';
import { navigate, useLocation } from './router';
import { useSession } from './session';
import { ShortcutsDialog } from './Shortcuts';
import { ContactHotkeys } from './features/contacts/LargeCard';
import { MessageList, type MessageActions } from './Thread';
import { AIControls } from './features/ai/Controls';
import { DEFAULT_STATUSES, STATUSES, type Contact, type Inbox as InboxT, type Conversation, type Member, type Message, type Presence, type ServerEvent, type Status, type View } from './types';
import { Avatar, ChannelIcon, TopBar } from './ui';
import { publishNotification } from './features/notifications/bus';
import { NoConversations } from './features/onboarding/NoConversations';
import { VirtualList } from './VirtualList';
import { AddColleagues } from './features/collab/AddColleagues';
import { collabApi } from './features/collab/api';
import { emitCollab } from './features/collab/bus';
import { InternalChats } from './features/collab/InternalChats';
import { useComposerCollab } from './features/composer/useComposerCollab';
import { AddTask, MyTasks } from './features/tasks/MyTasks';
import { readApi, ReadControls, typingLine, useReadOnOpen } from './features/collab/ReadControls';
import { ConstructorPanel } from './features/constructor/ConstructorPanel';
import { FindSidebar, SearchSnippet, serverListed, useFind, useServerSearch, withHit, type FindRow } from './features/find/Find';
import { ThreadSearch } from './features/find/ThreadSearch';
import { useReveal } from './features/find/reveal';
import { emitCounts } from './features/find/bus';
import { findApi, type ViewCounts } from './features/find/api';
import { useRowMenu } from './features/labels/useRowMenu';
import { LabelDots } from './features/labels/LabelDots';
import { Participating } from './features/participating/Participating';

export const STATUS_PRESETS: { key: string; label: string; statuses: Status[] }[] = [
  { key: 'unresolved', label: 'Not resolved', statuses: DEFAULT_STATUSES },
  ...STATUSES.map((s) => ({ key: s, label: STATUS_LABELS[s], statuses: [s] })),
  { key: 'any', label: 'Any status', statuses: STATUSES },
];

const QUEUED: Status[] = ['queued'];

type DialogKind = 'transfer' | 'resolve' | 'merge' | 'newchat' | null;

export const ROW_HEIGHT = 68;
const PAGE_SIZE = 50;
const TYPING_TTL = 8000;
const VIEWING_TTL = 75000;

interface ListState {
  items: Conversation[];
  cursor: string;
  loading: boolean;
  loaded: boolean;
  error: string;
}

interface ThreadState {
  conversationId: string;
  messages: Message[];
  cursor: string;
  loading: boolean;
  loadingOlder: boolean;
  error: string;
}

interface PresenceEntry {
  name: string;
  typingUntil: number;
  viewingUntil: number;
}

const emptyThread: ThreadState = { conversationId: '', messages: [], cursor: '', loading: false, loadingOlder: false, error: '' };

function isEditable(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(type);
  }
  return el.isContentEditable;
}

function isActivatable(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  return ['BUTTON', 'A', 'SUMMARY', 'INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName);
}

export function Inbox({ conversationId }: { conversationId: string | null }) {
  const session = useSession();
  const ws = session.workspace.id;
  const me = session.user;

  const loc = useLocation();
  const [statusKey, setStatusKey] = useState('unresolved');
  const presetStatuses = useMemo(() => STATUS_PRESETS.find((p) => p.key === statusKey)!.statuses, [statusKey]);
  // The view, filter and sort live in the address bar (features/find).
  const find = useFind(loc.search, statusKey, presetStatuses);
  const { listView, setView, query } = find;
  // Live updates place rows by themselves only in the views they can judge.
  const view = (listView === 'queued' ? 'all' : listView) as View;
  const statuses = listView === 'queued' ? QUEUED : presetStatuses;
  const [filterError, setFilterError] = useState('');
  const [filteredTotal, setFilteredTotal] = useState<number | null>(null);
  const [dialog, setDialog] = useState<DialogKind>(null);
  const [paymentsVersion, setPaymentsVersion] = useState(0);
  const [replyInboxes, setReplyInboxes] = useState<InboxT[]>([]);
  const [replyInbox, setReplyInbox] = useState<Record<string, string>>({});
  const [list, setList] = useState<ListState>({ items: [], cursor: '', loading: true, loaded: false, error: '' });
  const [counts, setCounts] = useState<ViewCounts | null>(null);
  const [search, setSearch] = useState('');
  const [activeId, setActiveId] = useState<string | null>(conversationId);
  const [current, setCurrent] = useState<Conversation | null>(null);
  const [thread, setThread] = useState<ThreadState>(emptyThread);
  const [conn, setConn] = useState<ConnectionState>('connecting');
  const [presence, setPresence] = useState<Record<string, Record<string, PresenceEntry>>>({});
  const [showHelp, setShowHelp] = useState(false);
  const [contactVersion, setContactVersion] = useState(0);
  const [announce, setAnnounce] = useState('');
  const [actionError, setActionError] = useState('');
  // The details panel as a drawer (medium widths) or as the one panel shown (phones).
  const [detailsOpen, setDetailsOpen] = useState(false);
  const detailsRef = useRef<HTMLElement>(null);
  const detailsToggle = useRef<HTMLButtonElement>(null);

  const searchRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const composer = useRef<ComposerHandle>(null);
  const rt = useRef<RealtimeClient | null>(null);
  const listGen = useRef(0);
  // Ids of conversations applied from events since the list last started loading.
  const liveDuringLoad = useRef<Set<string>>(new Set());
  const countsTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const readTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const server = serverListed(find.state);
  const filter: ListFilter = useMemo(() => ({ view, statuses, userId: me.id, server }), [view, statuses, me.id, server]);

  // Refs give the long-lived WebSocket handlers the latest state.
  const st = useRef({ filter, conversationId, list, thread, current, replyInboxId: '', query, statusKey });
  const replyInboxId = (conversationId && replyInbox[conversationId]) || '';
  st.current = { filter, conversationId, list, thread, current, replyInboxId, query, statusKey };

  const members = useMemo(() => {
    const m = new Map<string, Member>();
    for (const x of session.members) m.set(x.id, x);
    return m;
  }, [session.members]);

  // ---- loading -----------------------------------------------------------

  const reloadList = useCallback(async () => {
    const g = ++listGen.current;
    liveDuringLoad.current = new Set();
    setList((l) => ({ ...l, loading: true, error: '' }));
    try {
      const page = await findApi.list(ws, { ...query, limit: PAGE_SIZE });
      if (g !== listGen.current) return;
      setFilterError('');
      // The open conversation was just marked read; a page fetched meanwhile may not know yet.
      const openId = st.current.conversationId;
      const fetched = (page.items ?? []).map((c) => (c.id === openId && c.unread_count ? { ...c, unread_count: 0 } : c));
      const cursor = page.next_cursor ?? '';
      // Conversations that events brought while the page was on its way may
      // be newer than the page (or missing from it): keep the live version.
      setList((l) => {
        let items = fetched;
        for (const id of liveDuringLoad.current) {
          const live = l.items.find((x) => x.id === id);
          if (live) items = upsert(items, live, st.current.filter, !!cursor);
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
  }, [ws, query]);

  const loadMore = useCallback(async () => {
    const l = st.current.list;
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
        const q = st.current.query;
        const [c, f] = await Promise.all([
          findApi.counts(ws, { status: q.countStatus }),
          q.filter ? findApi.counts(ws, { status: q.status, teamId: q.teamId, filter: q.filter }) : Promise.resolve(null),
        ]);
        setCounts(c);
        setFilteredTotal(f ? (f[q.view] ?? null) : null);
      } catch {
        // Counts are best effort; the next event retries.
      }
    }, 200);
  }, [ws]);

  const reloadTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const reloadSoon = useCallback(() => {
    if (reloadTimer.current) return;
    reloadTimer.current = setTimeout(() => {
      reloadTimer.current = null;
      reloadList();
    }, 500);
  }, [reloadList]);
  useEffect(() => () => {
    if (reloadTimer.current) clearTimeout(reloadTimer.current);
  }, []);

  useEffect(() => {
    reloadList();
    findApi.counts(ws, { status: query.countStatus }).then(setCounts, () => {});
    setFilteredTotal(null);
    if (query.filter)
      findApi.counts(ws, { status: query.status, teamId: query.teamId, filter: query.filter }).then((f) => setFilteredTotal(f[query.view] ?? null), () => {});
  }, [reloadList, ws, query]);

  useEffect(
    () => () => {
      if (countsTimer.current) clearTimeout(countsTimer.current);
      if (readTimer.current) clearTimeout(readTimer.current);
    },
    [],
  );

  const loadThread = useCallback(
    async (id: string, keep: boolean) => {
      setThread((t) =>
        keep && t.conversationId === id
          ? { ...t, loading: true, error: '' }
          : { conversationId: id, messages: [], cursor: '', loading: true, loadingOlder: false, error: '' },
      );
      try {
        const page = await api.messages(ws, id);
        setThread((t) =>
          t.conversationId !== id
            ? t
            : {
                ...t,
                messages: mergeMessages(t.messages, page.items ?? []),
                // Keep paging from the oldest page already loaded.
                cursor: keep && t.messages.length > (page.items?.length ?? 0) ? t.cursor : (page.next_cursor ?? ''),
                loading: false,
              },
        );
      } catch (err) {
        setThread((t) => (t.conversationId !== id ? t : { ...t, loading: false, error: (err as Error).message }));
      }
    },
    [ws],
  );

  const loadOlder = useCallback(async () => {
    const t = st.current.thread;
    if (!t.cursor || t.loadingOlder || t.loading) return;
    const id = t.conversationId;
    setThread((x) => ({ ...x, loadingOlder: true }));
    try {
      const page = await api.messages(ws, id, t.cursor);
      setThread((x) =>
        x.conversationId !== id
          ? x
          : { ...x, messages: mergeMessages(x.messages, page.items ?? []), cursor: page.next_cursor ?? '', loadingOlder: false },
      );
    } catch (err) {
      setThread((x) => (x.conversationId !== id ? x : { ...x, loadingOlder: false, error: (err as Error).message }));
    }
  }, [ws]);

  const markRead = useCallback(
    (id: string) => {
      setList((l) => ({ ...l, items: l.items.map((c) => (c.id === id && c.unread_count ? { ...c, unread_count: 0 } : c)) }));
      api.markRead(ws, id).catch(() => {});
    },
    [ws],
  );

  const readOnOpen = useReadOnOpen(ws);

  const readOnOpenRef = readOnOpen.ref;
  const [meTyping, setMeTyping] = useState(false);
  useEffect(() => setMeTyping(false), [conversationId]);
  useEffect(() => setDetailsOpen(false), [conversationId]);
  useEffect(() => {
    if (detailsOpen) detailsRef.current?.querySelector<HTMLElement>('.details-close')?.focus();
  }, [detailsOpen]);
  const closeDetails = useCallback(() => {
    setDetailsOpen(false);
    requestAnimationFrame(() => detailsToggle.current?.focus());
  }, []);

  // Opening a conversation (from the address bar).
  useEffect(() => {
    if (!conversationId) {
      setCurrent(null);
      setThread(emptyThread);
      return;
    }
    setActiveId(conversationId);
    const fromList = st.current.list.items.find((c) => c.id === conversationId) ?? null;
    setCurrent(fromList ? { ...fromList, unread_count: 0 } : null);
    let live = true;
    api
      .conversation(ws, conversationId)
      .then((c) => live && setCurrent({ ...c, unread_count: 0 }))
      .catch((err) => {
        if (live && !fromList) setThread((t) => ({ ...t, error: (err as Error).message }));
      });
    loadThread(conversationId, false);
    if (readOnOpenRef.current) markRead(conversationId);
    rt.current?.send({ type: 'viewing', conversation_id: conversationId, state: 'on' });
    const refresh = setInterval(() => {
      rt.current?.send({ type: 'viewing', conversation_id: conversationId, state: 'on' });
    }, 30000);
    return () => {
      live = false;
      clearInterval(refresh);
      rt.current?.send({ type: 'viewing', conversation_id: conversationId, state: 'off' });
    };
  }, [conversationId, ws, loadThread, markRead, readOnOpenRef]);

  // ---- live updates ------------------------------------------------------

  const personalizeTimers = useRef(new Map<string, ReturnType<typeof setTimeout>>());

  /**
   * applyConversation puts a changed conversation into the open thread and the
   * list. Per-user fields (unread_count, pinned) in a broadcast event are not
   * the reader's own, so for a conversation already listed they are kept (new
   * inbound messages bump unread_count as they arrive); a conversation that
   * moves into the list is fetched again for the reader's own values.
   */
  const applyConversation = useCallback(
    (c: Conversation, from: 'rest' | 'created' | 'updated' = 'rest') => {
      const s = st.current;
      const open = s.conversationId === c.id;
      if (open) setCurrent({ ...c, unread_count: 0 });
      liveDuringLoad.current.add(c.id);
      const known = s.list.items.some((x) => x.id === c.id);
      const refetch = from === 'updated' && !open && !known && matches(c, s.filter);
      setList((l) => {
        const prev = l.items.find((x) => x.id === c.id);
        let item = c;
        if (open) item = { ...c, unread_count: 0 };
        else if (from !== 'rest' && prev) item = { ...c, unread_count: prev.unread_count, pinned: prev.pinned };
        return { ...l, items: upsert(l.items, item, s.filter, !!l.cursor) };
      });
      if (refetch && !personalizeTimers.current.has(c.id)) {
        personalizeTimers.current.set(
          c.id,
          setTimeout(() => {
            personalizeTimers.current.delete(c.id);
            api.conversation(ws, c.id).then(
              (own) => own?.id && setList((l) => (l.items.some((x) => x.id === own.id) ? { ...l, items: upsert(l.items, own, st.current.filter, !!l.cursor) } : l)),
              () => {},
            );
          }, 150),
        );
      }
    },
    [ws],
  );

  const rowMenu = useRowMenu({
    ws,
    items: list.items,
    onUpdated: applyConversation,
    markRead,
    onUnread: (id) => setList((l) => ({ ...l, items: l.items.map((c) => (c.id === id ? { ...c, unread_count: Math.max(1, c.unread_count) } : c)) })),
    onPinned: (id, pinned) => setList((l) => ({ ...l, items: l.items.map((c) => (c.id === id ? { ...c, pinned } : c)) })),
    announce: setAnnounce,
  });

  const handlers = {
    onEvents(events: ServerEvent[]) {
      emitCollab(events);
      let countsDirty = false;
      let listDirty = false;
      let readNeeded = '';
      for (const e of events) {
        switch (e.type) {
          case 'counts': {
            // Pushed view counts (counts=1): as asked without a status list.
            const c = e.data as ViewCounts;
            if (!c || typeof c !== 'object') break;
            if (st.current.statusKey === 'unresolved') setCounts(c);
            if (st.current.query.filter) countsDirty = true;
            emitCounts(c);
            break;
          }
          case 'conversation.created':
          case 'conversation.updated': {
            const c = e.data as Conversation;
            if (!c?.id) break;
            applyConversation(c, e.type === 'conversation.created' ? 'created' : 'updated');
            countsDirty = true;
            listDirty = true;
            break;
          }
          case 'conversation.removed': {
            const c = e.data as Partial<Conversation>;
            if (!c?.id) break;
            setList((l) => ({ ...l, items: remove(l.items, c.id!) }));
            countsDirty = true;
            if (st.current.conversationId === c.id) {
              // A merged conversation lives on in its survivor.
              const into = (c as { merged_into_id?: string }).merged_into_id;
              navigate(into ? '/conversations/' + encodeURIComponent(into) : '/');
            }
            break;
          }
          case 'tag.updated':
          case 'tag.deleted': {
            const ev = e.data as TagEvent;
            setList((l) => {
              const items = tagEvent(l.items, e.type, ev);
              return items === l.items ? l : { ...l, items };
            });
            const cur = st.current.current;
            if (cur) {
              const next = tagEvent([cur], e.type, ev);
              if (next[0] !== cur) setCurrent(next[0]);
            }
            break;
          }
          case 'payment_request.created':
          case 'payment_request.updated': {
            const pr = e.data as { conversation_id?: string };
            if (pr?.conversation_id && pr.conversation_id === st.current.conversationId) setPaymentsVersion((v) => v + 1);
            break;
          }
          case 'message.created':
          case 'message.updated': {
            const m = e.data as Message;
            if (!m?.id) break;
            if (st.current.thread.conversationId === m.conversation_id) {
              setThread((t) => (t.conversationId === m.conversation_id ? { ...t, messages: mergeMessages(t.messages, [m]) } : t));
              if (e.type === 'message.created' && m.direction === 'in') readNeeded = m.conversation_id;
            }
            if (e.type === 'message.created') {
              // Only the unread count: the preview comes with conversation.updated.
              setList((l) => {
                const items = messageCreated(l.items, m, st.current.conversationId);
                return items === l.items ? l : { ...l, items };
              });
            }
            break;
          }
          case 'contact.updated': {
            const ct = e.data as Contact;
            if (!ct?.id) break;
            setList((l) => ({
              ...l,
              items: l.items.map((c) =>
                c.contact?.id === ct.id ? { ...c, contact: { ...c.contact, name: ct.name, avatar_url: ct.avatar_url } } : c,
              ),
            }));
            if (st.current.current?.contact_id === ct.id || st.current.current?.contact?.id === ct.id) setContactVersion((v) => v + 1);
            break;
          }
          case 'notification.created':
            publishNotification(e.data);
            break;
        }
      }
      if (countsDirty) refreshCounts();
      // Views and filters the browser cannot judge are asked again (paced).
      if (listDirty && st.current.filter.server) reloadSoon();
      if (readNeeded) {
        const id = readNeeded;
        if (readTimer.current) clearTimeout(readTimer.current);
        readTimer.current = setTimeout(() => {
          if (st.current.conversationId === id && document.visibilityState !== 'hidden' && readOnOpen.ref.current) markRead(id);
        }, 300);
      }
    },
    onPresence(p: Presence) {
      const d = p.data;
      // Your own typing arrives from your other tabs only ("You are typing…").
      if (!d?.conversation_id || !d.user?.id || (d.user.id === me.id && p.type !== 'typing')) return;
      setPresence((all) => {
        const conv = { ...(all[d.conversation_id] ?? {}) };
        const prev = conv[d.user.id] ?? { name: d.user.name, typingUntil: 0, viewingUntil: 0 };
        const until = d.state === 'on' ? Date.now() + (p.type === 'typing' ? TYPING_TTL : VIEWING_TTL) : 0;
        const next = { ...prev, name: d.user.name || prev.name };
        if (p.type === 'typing') next.typingUntil = until;
        else next.viewingUntil = until;
        conv[d.user.id] = next;
        return { ...all, [d.conversation_id]: conv };
      });
    },
    onReload() {
      reloadList();
      refreshCounts();
      const id = st.current.conversationId;
      if (id) {
        api.conversation(ws, id).then((c) => applyConversation(c), () => {});
        loadThread(id, true);
      }
    },
    onConnected() {
      const id = st.current.conversationId;
      if (id) rt.current?.send({ type: 'viewing', conversation_id: id, state: 'on' });
    },
  };
  const handlersRef = useRef(handlers);
  handlersRef.current = handlers;

  useEffect(() => {
    const client = new RealtimeClient(ws, {
      onEvents: (e) => handlersRef.current.onEvents(e),
      onPresence: (p) => handlersRef.current.onPresence(p),
      onReload: () => handlersRef.current.onReload(),
      onConnected: () => handlersRef.current.onConnected(),
      onState: setConn,
      // A socket that keeps failing while the server answers may mean the
      // session ended (signed out elsewhere, password changed): ask once in a while.
      onFailures: (n) => {
        if (n % 3 === 0) api.ping().catch(() => {});
      },
    }, undefined, { counts: true });
    rt.current = client;
    client.start();
    return () => {
      client.stop();
      rt.current = null;
    };
  }, [ws]);

  // Expire presence that was never turned off (a colleague closed the tab).
  const hasPresence = Object.keys(presence).length > 0;
  useEffect(() => {
    if (!hasPresence) return;
    const t = setInterval(() => {
      const now = Date.now();
      setPresence((all) => {
        let changed = false;
        const out: typeof all = {};
        for (const [cid, users] of Object.entries(all)) {
          const kept: Record<string, PresenceEntry> = {};
          for (const [uid, e] of Object.entries(users)) {
            const typingUntil = e.typingUntil > now ? e.typingUntil : 0;
            const viewingUntil = e.viewingUntil > now ? e.viewingUntil : 0;
            if (typingUntil !== e.typingUntil || viewingUntil !== e.viewingUntil) changed = true;
            if (typingUntil || viewingUntil) kept[uid] = { ...e, typingUntil, viewingUntil };
          }
          if (Object.keys(kept).length) out[cid] = kept;
        }
        return changed ? out : all;
      });
    }, 1000);
    return () => clearInterval(t);
  }, [hasPresence]);

  // ---- actions -----------------------------------------------------------

  // The loaded rows narrow at once; the server's answer (debounced) replaces them.
  const hits = useServerSearch(ws, search);
  const visible: FindRow[] = useMemo(
    () => (search.trim() && hits ? withHit(hits) : searchFilter(list.items, search)),
    [list.items, search, hits],
  );
  const activeIndex = useMemo(() => visible.findIndex((c) => c.id === activeId), [visible, activeId]);

  // Opening and closing keep the view, filter and sort in the address.
  const open = useCallback((id: string, msgId = '') => {
    setActiveId(id);
    navigate('/conversations/' + encodeURIComponent(id) + find.keep(msgId));
  }, [find]);

  const close = useCallback(() => {
    navigate('/' + find.keep(''));
    requestAnimationFrame(() => listRef.current?.querySelector<HTMLElement>('[role=listbox]')?.focus());
  }, [find]);

  const move = useCallback(
    (delta: number, andOpen: boolean) => {
      if (visible.length === 0) return;
      const from = activeIndex >= 0 ? activeIndex : conversationId ? visible.findIndex((c) => c.id === conversationId) : -1;
      let next = from < 0 ? (delta > 0 ? 0 : visible.length - 1) : from + delta;
      next = Math.max(0, Math.min(visible.length - 1, next));
      const id = visible[next].id;
      setActiveId(id);
      if (andOpen) open(id, visible[next].hit?.message_id);
    },
    [visible, activeIndex, conversationId, open],
  );

  const patchCurrent = useCallback(
    async (body: Parameters<typeof api.updateConversation>[2], label: string) => {
      const c = st.current.current;
      if (!c) return;
      try {
        const updated = await api.updateConversation(ws, c.id, body);
        applyConversation(updated);
        refreshCounts();
        setAnnounce(label);
      } catch (err) {
        setAnnounce((err as Error).message);
      }
    },
    [ws, applyConversation, refreshCounts],
  );

  /** runCurrent runs a working-day action on the open conversation and applies its answer. */
  const runCurrent = useCallback(
    async (fn: (c: Conversation) => Promise<Conversation>, label: (c: Conversation) => string) => {
      const c = st.current.current;
      if (!c) return;
      setActionError('');
      try {
        const updated = await fn(c);
        if (updated?.id) applyConversation(updated);
        refreshCounts();
        setAnnounce(label(c));
      } catch (err) {
        setActionError((err as Error).message);
        setAnnounce((err as Error).message);
      }
    },
    [applyConversation, refreshCounts],
  );

  // Resolve asks for a note and a close reason; a resolved (or abandoned) conversation reopens.
  const toggleResolved = useCallback(() => {
    const c = st.current.current;
    if (!c) return;
    if (c.status === 'resolved' || c.status === 'abandoned')
      runCurrent((x) => workdayApi.reopen(ws, x.id), (x) => `Conversation #${x.number} reopened`);
    else setDialog('resolve');
  }, [runCurrent, ws]);

  const accept = useCallback(() => {
    runCurrent((x) => workdayApi.accept(ws, x.id), (x) => `Conversation #${x.number} accepted`);
  }, [runCurrent, ws]);

  const assignToMe = useCallback(() => {
    const c = st.current.current;
    if (!c) return;
    const ids = c.assignee_ids ?? [];
    if (ids.includes(me.id)) return;
    patchCurrent({ assignee_ids: [...ids, me.id] }, `Conversation #${c.number} assigned to you`);
  }, [patchCurrent, me.id]);

  const send = useCallback(
    async (content: string, isPrivate: boolean, attachmentIds?: string[], mentionIds?: string[]) => {
      const id = st.current.conversationId;
      if (!id) return;
      const via = st.current.replyInboxId;
      const m = mentionIds?.length
        ? await collabApi.sendNote(ws, id, content, attachmentIds ?? [], mentionIds)
        : via
        ? await workdayApi.sendVia(ws, id, {
            content,
            private: isPrivate,
            inbox_id: via,
            ...(attachmentIds?.length ? { attachment_ids: attachmentIds } : {}),
          })
        : await api.send(ws, id, content, isPrivate, attachmentIds);
      if (m?.id) handlersRef.current.onEvents([{ type: 'message.created', data: m }]);
      if (id) setList((l) => ({ ...l, items: l.items.map((c) => (c.id === id && c.has_draft ? { ...c, has_draft: false } : c)) }));
    },
    [ws],
  );

  // The reply channel: the contact's inboxes (identities) the reply may go through.
  const currentContactId = current?.contact_id || current?.contact?.id || '';
  useEffect(() => {
    setReplyInboxes([]);
    if (!currentContactId) return;
    let live = true;
    Promise.all([api.inboxes(ws), api.contact(ws, currentContactId)]).then(
      ([ib, ct]) => {
        if (!live) return;
        const ids = new Set((ct.identities ?? []).map((x) => x.inbox_id));
        setReplyInboxes((ib.items ?? []).filter((i) => ids.has(i.id)));
      },
      () => {},
    );
    return () => {
      live = false;
    };
  }, [ws, currentContactId]);

  const serverDraft = useMemo(() => {
    if (!conversationId) return undefined;
    const id = conversationId;
    const mark = (has: boolean) =>
      setList((l) => ({ ...l, items: l.items.map((c) => (c.id === id && !!c.has_draft !== has ? { ...c, has_draft: has } : c)) }));
    return {
      load: () =>
        workdayApi.draft(ws, id).then(
          (d) => d?.content ?? '',
          (err) => {
            if ((err as { status?: number }).status === 404) return '';
            throw err;
          },
        ),
      save: (content: string) => {
        mark(!!content.trim());
        const p = content.trim() ? workdayApi.saveDraft(ws, id, content) : workdayApi.deleteDraft(ws, id);
        p.catch(() => {});
      },
    };
  }, [ws, conversationId]);


  const upload = useCallback((file: File, signal: AbortSignal) => api.upload(ws, file, signal), [ws]);
  const composerCollab = useComposerCollab(ws, current, session.members, me.id);
  // A removed file's upload is deleted; failing that, the server prunes it.
  const discard = useCallback((uploadId: string) => void api.deleteUpload(ws, uploadId).catch(() => undefined), [ws]);

  const sendTemplate = useCallback(
    async (t: { name: string; language: string; parameters: string[] }) => {
      const id = st.current.conversationId;
      if (!id) return;
      const m = await api.sendTemplate(ws, id, t);
      if (m?.id) handlersRef.current.onEvents([{ type: 'message.created', data: m }]);
    },
    [ws],
  );

  // Failed replies: retry on the same inbox, or resend through another the
  // contact can be reached on. Later status changes arrive as message.updated.
  const messageActions: MessageActions = useMemo(
    () => ({
      retry: async (m) => {
        const updated = await api.retryMessage(ws, m.conversation_id, m.id);
        if (updated?.id) handlersRef.current.onEvents([{ type: 'message.updated', data: updated }]);
      },
      resendTargets: async (m) => {
        const c = st.current.current;
        const contactId = c?.contact_id || c?.contact?.id;
        const [inboxes, contact] = await Promise.all([
          api.inboxes(ws),
          contactId ? api.contact(ws, contactId).catch(() => null) : Promise.resolve(null),
        ]);
        return reachableInboxes(inboxes.items ?? [], m, contact);
      },
      resend: async (m, inbox) => {
        const r = await api.resendMessage(ws, m.conversation_id, m.id, inbox.id);
        if (r?.message?.id) handlersRef.current.onEvents([{ type: 'message.created', data: r.message }]);
      },
    }),
    [ws],
  );

  // ---- keyboard ----------------------------------------------------------

  const openDialog = useCallback((d: DialogKind) => {
    if (d !== 'newchat' && !st.current.current) return;
    setDialog(d);
  }, []);
  const keys = { move, open, close, toggleResolved, assignToMe, accept, openDialog, setView, visible, activeIndex, conversationId, search, showHelp, dialog };
  const keysRef = useRef(keys);
  keysRef.current = keys;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const k = keysRef.current;
      if (k.showHelp || k.dialog || e.defaultPrevented) return;
      const editing = isEditable(e.target);
      if (e.ctrlKey && e.shiftKey && !e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
        e.preventDefault();
        k.move(e.key === 'ArrowUp' ? -1 : 1, true);
        return;
      }
      if (e.altKey && !e.ctrlKey && !e.metaKey) {
        // e.code: on macOS Alt+letter types a symbol, so e.key is not the letter.
        let handled = true;
        switch (e.code) {
          case 'KeyR':
            k.toggleResolved();
            break;
          case 'KeyN':
            composer.current?.focus('note');
            break;
          case 'KeyM':
            composer.current?.focus('reply');
            break;
          case 'KeyU':
            composer.current?.attach();
            break;
          case 'KeyA':
            k.assignToMe();
            break;
          case 'KeyY':
            k.accept();
            break;
          case 'KeyT':
            k.openDialog('transfer');
            break;
          case 'KeyG':
            k.openDialog('merge');
            break;
          case 'KeyC':
            k.openDialog('newchat');
            break;
          case 'Digit4':
            k.setView('queued');
            break;
          case 'Digit1':
            k.setView('all');
            break;
          case 'Digit2':
            k.setView('mine');
            break;
          case 'Digit3':
            k.setView('unassigned');
            break;
          default:
            handled = false;
        }
        if (handled) e.preventDefault();
        return;
      }
      if (editing || e.ctrlKey || e.metaKey || e.altKey) return;
      switch (e.key) {
        case '?':
          e.preventDefault();
          setShowHelp(true);
          break;
        case '/':
          e.preventDefault();
          searchRef.current?.focus();
          searchRef.current?.select();
          break;
        case 'ArrowDown':
        case 'ArrowUp':
          e.preventDefault();
          k.move(e.key === 'ArrowUp' ? -1 : 1, false);
          listRef.current?.querySelector<HTMLElement>('[role=listbox]')?.focus();
          break;
        case 'Enter': {
          if (isActivatable(e.target)) return;
          const c = k.visible[k.activeIndex];
          if (c) {
            e.preventDefault();
            k.open(c.id, c.hit?.message_id);
          }
          break;
        }
        case 'Escape':
          if (k.conversationId) {
            e.preventDefault();
            k.close();
          }
          break;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // ---- render ------------------------------------------------------------

  // A search hit opens its conversation at the message (?msg=), paging back for it.
  const paging = useMemo(
    () => ({
      messages: thread.conversationId === conversationId ? thread.messages : [],
      hasOlder: !!thread.cursor,
      busy: thread.loading || thread.loadingOlder || thread.conversationId !== conversationId,
      loadOlder,
    }),
    [thread, conversationId, loadOlder],
  );
  useReveal(conversationId ? find.state.msgId : '', `${conversationId}:${find.state.msgId}`, paging);

  const replyVia = replyInboxId ? replyInboxes.find((i) => i.id === replyInboxId) : undefined;
  const convPresence = conversationId ? (presence[conversationId] ?? {}) : {};
  const typers = Object.entries(convPresence)
    .filter(([uid, p]) => p.typingUntil && uid !== me.id)
    .map(([, p]) => p.name);
  const meTypingElsewhere = !!convPresence[me.id]?.typingUntil;
  const viewers = Object.values(convPresence)
    .filter((p) => p.viewingUntil)
    .map((p) => p.name);

  const renderRow = (c: FindRow, i: number) => {
    const unread = c.unread_count > 0;
    const lm = c.last_message;
    const prefix = previewPrefix(lm, me.id, (id) => members.get(id)?.name);
    const classes = ['conv-row'];
    if (unread) classes.push('unread');
    if (c.id === conversationId) classes.push('open');
    if (i === activeIndex) classes.push('active');
    const typing = Object.values(presence[c.id] ?? {}).some((p) => p.typingUntil);
    const labelColour = rowMenu.colourOfRow(c.labels);
    if (labelColour) classes.push('labelled');
    if (rowMenu.menuOpenFor === c.id) classes.push('menu-open');
    return (
      <div
        id={'conv-' + c.id}
        role="option"
        aria-selected={c.id === conversationId}
        aria-posinset={i + 1}
        aria-setsize={list.cursor ? -1 : visible.length}
        className={classes.join(' ')}
        data-id={c.id}
        data-label-colour={labelColour || undefined}
        style={labelColour ? ({ '--label-colour': labelColour } as CSSProperties) : undefined}
        onClick={() => open(c.id, c.hit?.message_id)}
        onContextMenu={(e) => rowMenu.onContextMenu(c, e)}
      >
        <Avatar name={c.contact?.name} url={c.contact?.avatar_url} id={c.contact?.id} size={36} />
        <div className="conv-main">
          <div className="conv-top">
            <span className="conv-name">{c.contact?.name || 'Unknown contact'}</span>
            {c.has_constructor_draft && (
              <span className="constructor-flag" title="An unsent constructor message is kept here" aria-label="Unsent constructor message">
                ▦
              </span>
            )}
            <LabelDots labels={c.labels} cat={rowMenu.cat.labels} />
            <time className="conv-time" dateTime={c.last_activity_at}>
              {listTime(c.last_activity_at)}
            </time>
          </div>
          {c.subject && (
            <div className="conv-subject" data-testid="conv-subject">
              {c.subject}
            </div>
          )}
          <div className="conv-bottom">
            <ChannelIcon channel={lm?.channel || c.inbox?.channel} />
            <span className="conv-preview">
              {c.hit?.snippet ? (
                <SearchSnippet hit={c.hit} />
              ) : typing ? (
                <em>typing…</em>
              ) : (
                prefix + (lm ? lm.content || 'Attachment' : 'No messages yet')
              )}
            </span>
            {c.has_draft && (
              <span className="draft-pencil" title="You have a draft here" aria-label="Draft">
                ✎
              </span>
            )}
            {c.status === 'queued' && <span className="tag tag-xs tag-queued">Queued</span>}
            {c.ai_mode === 'active' && <span className="tag tag-ai tag-xs">AI</span>}
            {unread && (
              <span className="badge" aria-label={`${c.unread_count} unread`}>
                {c.unread_count > 99 ? '99+' : c.unread_count}
              </span>
            )}
          </div>
        </div>
      </div>
    );
  };

  const activeDescendant = activeIndex >= 0 ? 'conv-' + visible[activeIndex].id : undefined;

  return (
    <div className="app">
      <TopBar connection={conn} onHelp={() => setShowHelp(true)} />
      {conn === 'reconnecting' && (
        <div className="banner banner-warn" role="status">
          Connection lost. Reconnecting… Changes made by others will appear when it is back.
        </div>
      )}
      <div className={'inbox ' + (conversationId ? 'has-thread' : 'no-thread') + (detailsOpen ? ' details-open' : '')}>
        <aside className="sidebar" aria-label="Conversation list" ref={listRef}>
          <FindSidebar
            find={find}
            counts={counts}
            filterError={filterError}
            ws={ws}
            me={me}
            isAdmin={session.workspace.role === 'admin'}
            teams={session.teams}
            members={session.members}
          />
          <div className="list-tools">
            <label className="sr-only" htmlFor="status-filter">
              Status filter
            </label>
            <button type="button" className="btn btn-sm btn-primary" onClick={() => setDialog('newchat')} aria-keyshortcuts="Alt+C">
              New chat
            </button>
            <select id="status-filter" value={statusKey} disabled={listView === 'queued'} onChange={(e) => setStatusKey(e.target.value)}>
              {STATUS_PRESETS.map((p) => (
                <option key={p.key} value={p.key}>
                  {p.label}
                </option>
              ))}
            </select>
            <input
              ref={searchRef}
              type="search"
              className="search"
              placeholder="Search  /"
              aria-label="Search conversations"
              aria-keyshortcuts="/"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Escape') {
                  e.preventDefault();
                  e.stopPropagation();
                  setSearch('');
                  listRef.current?.querySelector<HTMLElement>('[role=listbox]')?.focus();
                } else if (e.key === 'ArrowDown' || e.key === 'Enter') {
                  e.preventDefault();
                  if (e.key === 'Enter' && visible.length) {
                    const r = visible[activeIndex] ?? visible[0];
                    open(r.id, r.hit?.message_id);
                    return;
                  }
                  move(1, false);
                  listRef.current?.querySelector<HTMLElement>('[role=listbox]')?.focus();
                }
              }}
            />
          </div>
          {list.error && (
            <p className="form-error pad" role="alert">
              {list.error}{' '}
              <button type="button" className="btn btn-sm" onClick={reloadList}>
                Retry
              </button>
            </p>
          )}
          {list.loaded && visible.length === 0 ? (
            search ? (
              <p className="empty muted">{hits ? 'Nothing found.' : 'No loaded conversation matches.'}</p>
            ) : (
              <NoConversations search={false} />
            )
          ) : (
            <VirtualList
              items={visible}
              rowHeight={ROW_HEIGHT}
              itemKey={(c) => (c.hit ? `${c.id}:${c.hit.matched}:${c.hit.message_id ?? ''}` : c.id)}
              renderRow={renderRow}
              activeIndex={activeIndex}
              activeDescendant={activeDescendant}
              label="Conversations"
              onKeyDown={(e) => rowMenu.onListKey(e, visible[activeIndex])}
              className="conv-list"
              onEndReached={search ? undefined : loadMore}
            />
          )}
          <div className="list-status muted" aria-live="polite">
            {search.trim() && hits
              ? `${hits.length} found`
              : list.loading
                ? 'Loading…'
                : list.loaded
                  ? `${visible.length}${list.cursor ? '+' : ''} shown` + (filteredTotal !== null && !search ? ` of ${filteredTotal} matching` : '')
                  : ''}
          </div>
          {rowMenu.menu}
          <Participating ws={ws} openId={conversationId ?? ''} />
          <MyTasks ws={ws} meId={me.id} />
          <InternalChats ws={ws} meId={me.id} members={session.members} />
        </aside>

        <main className="thread" aria-label="Conversation">
          {conversationId && current ? (
            <>
              <div className="thread-head">
                <button type="button" className="btn btn-ghost btn-sm only-phone back-btn" onClick={close} aria-label="Back to the list">
                  ← List
                </button>
                <div className="thread-title">
                  <h1>{current.contact?.name || 'Unknown contact'}</h1>
                  <span className="muted">#{current.number}</span>
                  <ContinuesLink ws={ws} previousId={current.previous_conversation_id} />
                  {current.subject && (
                    <span className="thread-subject" data-testid="thread-subject">
                      {current.subject}
                    </span>
                  )}
                  <span className={'status status-' + current.status} data-testid="thread-status">
                    {STATUS_LABELS[current.status] ?? current.status}
                  </span>
                  <span className="muted with-icon">
                    <ChannelIcon channel={current.inbox?.channel} /> {channelLabel(current.inbox?.channel)}
                  </span>
                  {current.ai_mode !== 'manual' && <span className="tag tag-ai">{AI_MODE_LABELS[current.ai_mode]}</span>}
                </div>
                <div className="thread-actions">
                  {viewers.length > 0 && (
                    <span className="viewers muted" role="status">
                      {viewers.join(', ')} {viewers.length === 1 ? 'is' : 'are'} viewing
                    </span>
                  )}
                  <button
                    type="button"
                    ref={detailsToggle}
                    className="btn btn-sm only-narrow"
                    aria-expanded={detailsOpen}
                    aria-controls="details-panel"
                    onClick={() => setDetailsOpen((o) => !o)}
                  >
                    Details
                  </button>
                  {(current.status === 'queued' || !(current.assignee_ids ?? []).includes(me.id)) &&
                    current.status !== 'resolved' &&
                    current.status !== 'abandoned' && (
                      <button type="button" className="btn btn-sm btn-primary" onClick={accept} aria-keyshortcuts="Alt+Y">
                        Accept
                      </button>
                    )}
                  <button type="button" className="btn btn-sm" onClick={() => setDialog('transfer')} aria-keyshortcuts="Alt+T">
                    Transfer…
                  </button>
                  <button type="button" className="btn btn-sm" onClick={() => setDialog('merge')} aria-keyshortcuts="Alt+G">
                    Merge…
                  </button>
                  <button type="button" className="btn btn-sm" onClick={toggleResolved} aria-keyshortcuts="Alt+R">
                    {current.status === 'resolved' || current.status === 'abandoned' ? 'Reopen' : 'Resolve…'}
                  </button>
                  <button type="button" className="btn btn-ghost btn-sm not-phone" onClick={close} aria-label="Close conversation">
                    ✕
                  </button>
                </div>
              </div>
              {actionError && (
                <p className="form-error pad action-error" role="alert">
                  {actionError}{' '}
                  <button type="button" className="btn btn-ghost btn-sm" onClick={() => setActionError('')} aria-label="Dismiss">
                    ✕
                  </button>
                </p>
              )}
              {current.status === 'resolved' && (current.close_reason || current.resolution_note) && (
                <p className="resolution muted pad">
                  Resolved{current.close_reason ? ` · ${current.close_reason}` : ''}
                  {current.resolution_note ? ` — ${current.resolution_note}` : ''}
                </p>
              )}
              <div className="thread-tools" role="toolbar" aria-label="Teamwork">
                <ReadControls
                  onRead={() => markRead(current.id)}
                  onUnread={() => {
                    readApi.unread(ws, current.id).then(
                      () => setList((l) => ({ ...l, items: l.items.map((c) => (c.id === current.id ? { ...c, unread_count: Math.max(1, c.unread_count) } : c)) })),
                      (err) => setAnnounce((err as Error).message),
                    );
                  }}
                  readOnOpen={readOnOpen.value}
                  setReadOnOpen={readOnOpen.set}
                />
                <AddTask ws={ws} conversation={current} members={session.members} meId={me.id} />
                <ThreadSearch ws={ws} conversationId={current.id} paging={paging} />
                <AddColleagues
                  ws={ws}
                  conversation={current}
                  members={session.members}
                  meId={me.id}
                  onAdded={(m) => handlersRef.current.onEvents([{ type: 'message.created', data: m }])}
                />
              </div>
              <AIControls ws={ws} conversation={current} />
              <MessageList
                conversationKey={current.id}
                messages={thread.conversationId === current.id ? thread.messages : []}
                loading={thread.loading}
                loadingOlder={thread.loadingOlder}
                hasOlder={!!thread.cursor}
                error={thread.error}
                onLoadOlder={loadOlder}
                members={members}
                contactName={current.contact?.name ?? ''}
                contactAvatar={current.contact?.avatar_url}
                actions={messageActions}
                workspaceId={ws}
              />
              <div className="typing" aria-live="polite">
                {(typers.length > 0 || meTyping || meTypingElsewhere) && <span>{typingLine(meTyping || meTypingElsewhere, typers)}</span>}
              </div>
              <Composer
                key={current.id}
                handle={composer}
                conversationId={current.id}
                channelName={channelLabel(replyVia?.channel ?? current.inbox?.channel)}
                channel={replyVia?.channel ?? current.inbox?.channel}
                inboxId={replyVia?.id ?? (current.inbox_id || current.inbox?.id)}
                lastInboundAt={
                  thread.conversationId === current.id && !(thread.loading && thread.messages.length === 0)
                    ? lastInbound(thread.messages, replyVia?.id ?? (current.inbox_id || current.inbox?.id), !thread.cursor && !thread.loading)
                    : undefined
                }
                serverDraft={serverDraft}
                toolbar={
                  replyInboxes.length > 1 ? (
                    <label className="channel-switch">
                      <span>Reply via</span>
                      <select
                        aria-label="Reply channel"
                        value={replyVia?.id ?? (current.inbox_id || current.inbox?.id)}
                        onChange={(e) => {
                          const v = e.target.value;
                          setReplyInbox((r) => ({ ...r, [current.id]: v === (current.inbox_id || current.inbox?.id) ? '' : v }));
                        }}
                      >
                        {replyInboxes.map((i) => (
                          <option key={i.id} value={i.id}>
                            {i.name} ({channelLabel(i.channel)})
                          </option>
                        ))}
                      </select>
                    </label>
                  ) : undefined
                }
                constructorPanel={(close) => (
                  <ConstructorPanel
                    ws={ws}
                    conversationId={current.id}
                    inboxId={replyVia?.id}
                    channelName={channelLabel(replyVia?.channel ?? current.inbox?.channel)}
                    onClose={close}
                    onDraft={(has) => {
                      const id = current.id;
                      setList((l) => ({ ...l, items: l.items.map((c) => (c.id === id && !!c.has_constructor_draft !== has ? { ...c, has_constructor_draft: has } : c)) }));
                    }}
                  />
                )}
                onSend={send}
                upload={upload}
                discard={discard}
                onSendTemplate={sendTemplate}
                collab={composerCollab}
                onTyping={(state) => {
                  setMeTyping(state === 'on');
                  rt.current?.send({ type: 'typing', conversation_id: current.id, state });
                }}
              />
            </>
          ) : conversationId ? (
            <div className="placeholder">
              {thread.error ? (
                <p className="form-error" role="alert">
                  {thread.error}
                </p>
              ) : (
                <p className="muted">Loading conversation…</p>
              )}
            </div>
          ) : (
            <div className="placeholder">
              <h1 className="placeholder-title">No conversation open</h1>
              <p className="muted">
                Pick one from the list, or press <kbd>↓</kbd> then <kbd>Enter</kbd>. Press <kbd>?</kbd> for all shortcuts.
              </p>
            </div>
          )}
        </main>

        <aside
          className="details"
          id="details-panel"
          aria-label="Details"
          ref={detailsRef}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && detailsOpen && !e.defaultPrevented) {
              e.preventDefault();
              e.stopPropagation();
              closeDetails();
            }
          }}
        >
          {current && conversationId ? (
            <>
              <div className="details-bar only-narrow">
                <button type="button" className="btn btn-ghost btn-sm details-close" onClick={closeDetails}>
                  ← Back to conversation
                </button>
              </div>
              <ContactCard
                contactId={current.contact_id || current.contact?.id}
                fallbackName={current.contact?.name ?? ''}
                version={contactVersion}
              />
              <PaymentRequests conversationId={current.id} version={paymentsVersion} />
              <ConversationDetails
                conversation={current}
                onChange={(c) => {
                  applyConversation(c);
                  refreshCounts();
                }}
                onDeleted={(id) => {
                  setList((l) => ({ ...l, items: remove(l.items, id) }));
                  refreshCounts();
                  setAnnounce(`Conversation #${current.number} deleted`);
                  navigate('/');
                }}
              />
            </>
          ) : (
            <p className="muted pad">Details of the open conversation appear here.</p>
          )}
        </aside>
      </div>
      {showHelp && <ShortcutsDialog onClose={() => setShowHelp(false)} />}
      {dialog === 'transfer' && current && (
        <TransferDialog
          conversation={current}
          onClose={() => setDialog(null)}
          onDone={(c) => {
            setDialog(null);
            applyConversation(c);
            refreshCounts();
            setAnnounce(`Conversation #${c.number} transferred`);
          }}
        />
      )}
      {dialog === 'resolve' && current && (
        <ResolveDialog
          conversation={current}
          onClose={() => setDialog(null)}
          onDone={(c) => {
            setDialog(null);
            applyConversation(c);
            refreshCounts();
            setAnnounce(`Conversation #${c.number} resolved`);
          }}
        />
      )}
      {dialog === 'merge' && current && (
        <MergeDialog
          conversation={current}
          onClose={() => setDialog(null)}
          onDone={(c) => {
            setDialog(null);
            applyConversation(c);
            refreshCounts();
            setAnnounce(`Merged into #${c.number}`);
            open(c.id);
          }}
        />
      )}
      {dialog === 'newchat' && (
        <NewChatDialog
          onClose={() => setDialog(null)}
          onDone={(c) => {
            setDialog(null);
            applyConversation(c, 'created');
            refreshCounts();
            open(c.id);
          }}
        />
      )}
      <ContactHotkeys contactId={conversationId ? current?.contact_id || current?.contact?.id : undefined} />
      <div className="sr-only" role="status" aria-live="polite">
        {announce}
      </div>
    </div>
  );
}

