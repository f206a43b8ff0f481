// The inbox: views and the conversation list on the left, the thread and
// composer in the centre, the contact and conversation details on the right.
// Everything is kept live over the WebSocket. The state lives in hooks under
// features/inbox (list, thread, presence, keys, reply); socket events go
// through the pure reducer in features/inbox/events.ts. This file wires them
// and lays out the screen: features mount here with one line each.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ContinuesLink } from './features/links/ContinuesLink';
import { api } from './api';
import { lastInbound, reachableInboxes } from './channels';
import { Composer, type ComposerHandle } from './Composer';
import { ContactCard, ConversationDetails } from './Details';
import { channelLabel, STATUS_LABELS, AI_MODE_LABELS } from './format';
import { remove, searchFilter, type ListFilter } from './model';
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
import { DEFAULT_STATUSES, STATUSES, type Conversation, type Member, type ServerEvent, type Status, type View } from './types';
import { ChannelIcon, TopBar } from './ui';
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
import { FindSidebar, serverListed, useFind, useServerSearch, withHit, type FindRow } from './features/find/Find';
import { ThreadSearch } from './features/find/ThreadSearch';
import { useReveal } from './features/find/reveal';
import { emitCounts } from './features/find/bus';
import { useRowMenu } from './features/labels/useRowMenu';
import { Participating } from './features/participating/Participating';
import { emptyThread, eventEffects, needsRefetch, reduceCurrent, reduceList, reduceThread, upsertConversation, type ConversationSource, type EventContext } from './features/inbox/events';
import { useConversationList, type ListRefs } from './features/inbox/useConversationList';
import { useThread } from './features/inbox/useThread';
import { usePresence } from './features/inbox/presence';
import { useInboxKeys, type DialogKind } from './features/inbox/useInboxKeys';
import { ConversationRow, ROW_HEIGHT } from './features/inbox/ConversationRow';
import { useReplyInboxes, useServerDraft } from './features/inbox/useReply';

export const STATUS_PRESETS: { key: string; label: string; statuses: Status[] }[] = [
  { key: 'unresolved', label: 'Not resolved', statuses: DEFAULT_STATUSES },
  ...STATUSES.map((s) => ({ key: s, label: STATUS_LABELS[s], statuses: [s] })),
  { key: 'any', label: 'Any status', statuses: STATUSES },
];

const QUEUED: Status[] = ['queued'];

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
  const [dialog, setDialog] = useState<DialogKind>(null);
  const [paymentsVersion, setPaymentsVersion] = useState(0);
  const [replyInbox, setReplyInbox] = useState<Record<string, string>>({});
  const [search, setSearch] = useState('');
  const [activeId, setActiveId] = useState<string | null>(conversationId);
  const [current, setCurrent] = useState<Conversation | null>(null);
  const [conn, setConn] = useState<ConnectionState>('connecting');
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
  const readTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const server = serverListed(find.state);
  const filter: ListFilter = useMemo(() => ({ view, statuses, userId: me.id, server }), [view, statuses, me.id, server]);

  // Refs give the long-lived WebSocket handlers the latest state.
  const refs = useRef<ListRefs>({ filter, conversationId, query });
  refs.current = { filter, conversationId, query };
  const lists = useConversationList(ws, query, refs);
  const { list, setList, counts, setCounts, filteredTotal, filterError, reloadList, loadMore, refreshCounts, reloadSoon, markLive } = lists;
  const { thread, setThread, loadThread, loadOlder } = useThread(ws);
  const { presence, onPresence } = usePresence(me.id);
  const replyInboxId = (conversationId && replyInbox[conversationId]) || '';
  const st = useRef({ list, thread, current, replyInboxId, statusKey });
  st.current = { list, thread, current, replyInboxId, statusKey };

  const members = useMemo(() => {
    const m = new Map<string, Member>();
    for (const x of session.members) m.set(x.id, x);
    return m;
  }, [session.members]);

  useEffect(
    () => () => {
      if (readTimer.current) clearTimeout(readTimer.current);
    },
    [],
  );

  const markRead = useCallback(
    (id: string) => {
      setList((l) => ({ ...l, items: l.items.map((c) => (c.id === id && c.unread_count ? { ...c, unread_count: 0 } : c)) }));
      api.markRead(ws, id).catch(() => {});
    },
    [ws, setList],
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
  }, [conversationId, ws, loadThread, markRead, readOnOpenRef, setThread]);

  // ---- live updates ------------------------------------------------------

  const personalizeTimers = useRef(new Map<string, ReturnType<typeof setTimeout>>());

  /**
   * refetchOwn fetches a conversation that moved into the list again for the
   * reader's own per-user fields (a broadcast carries someone else's).
   */
  const refetchOwn = useCallback(
    (id: string) => {
      if (personalizeTimers.current.has(id)) return;
      personalizeTimers.current.set(
        id,
        setTimeout(() => {
          personalizeTimers.current.delete(id);
          api.conversation(ws, id).then(
            (own) =>
              own?.id &&
              setList((l) => (l.items.some((x) => x.id === own.id) ? upsertConversation(l, own, 'rest', null, refs.current.filter) : l)),
            () => {},
          );
        }, 150),
      );
    },
    [ws, setList],
  );

  /** applyConversation puts a changed conversation into the open thread and the list (see upsertConversation). */
  const applyConversation = useCallback(
    (c: Conversation, from: ConversationSource = 'rest') => {
      const openId = refs.current.conversationId;
      if (openId === c.id) setCurrent({ ...c, unread_count: 0 });
      markLive(c.id);
      const refetch = needsRefetch(c, from, { openId, listed: st.current.list.items, filter: refs.current.filter });
      setList((l) => upsertConversation(l, c, from, openId, refs.current.filter));
      if (refetch) refetchOwn(c.id);
    },
    [setList, markLive, refetchOwn],
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
      const s = st.current;
      const ctx: EventContext = {
        openId: refs.current.conversationId,
        threadId: s.thread.conversationId,
        filter: refs.current.filter,
        listed: s.list.items,
        countsShown: s.statusKey === 'unresolved',
        filtered: !!refs.current.query.filter,
        currentContactId: s.current?.contact_id || s.current?.contact?.id || '',
      };
      const fx = eventEffects(events, ctx);
      for (const id of fx.live) markLive(id);
      setList((l) => reduceList(l, events, ctx));
      setThread((t) => reduceThread(t, events));
      setCurrent((c) => reduceCurrent(c, events, ctx));
      for (const c of fx.counts) {
        if (fx.showCounts) setCounts(c);
        emitCounts(c);
      }
      for (const id of fx.refetch) refetchOwn(id);
      if (fx.paymentsChanged) setPaymentsVersion((v) => v + 1);
      if (fx.contactChanged) setContactVersion((v) => v + 1);
      for (const n of fx.notifications) publishNotification(n);
      if (fx.navigate !== null) navigate(fx.navigate);
      if (fx.refreshCounts) refreshCounts();
      if (fx.reloadList) reloadSoon();
      if (fx.markRead) {
        const id = fx.markRead;
        if (readTimer.current) clearTimeout(readTimer.current);
        readTimer.current = setTimeout(() => {
          if (refs.current.conversationId === id && document.visibilityState !== 'hidden' && readOnOpen.ref.current) markRead(id);
        }, 300);
      }
    },
    onPresence,
    onReload() {
      reloadList();
      refreshCounts();
      const id = refs.current.conversationId;
      if (id) {
        api.conversation(ws, id).then((c) => applyConversation(c), () => {});
        loadThread(id, true);
      }
    },
    onConnected() {
      const id = refs.current.conversationId;
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
      const id = refs.current.conversationId;
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
    [ws, setList],
  );

  // The reply channel: the contact's inboxes (identities) the reply may go through.
  const currentContactId = current?.contact_id || current?.contact?.id || '';
  const replyInboxes = useReplyInboxes(ws, currentContactId);
  const serverDraft = useServerDraft(ws, conversationId, setList);

  const upload = useCallback((file: File, signal: AbortSignal) => api.upload(ws, file, signal), [ws]);
  const composerCollab = useComposerCollab(ws, current, session.members, me.id);
  // A removed file's upload is deleted; failing that, the server prunes it.
  const discard = useCallback((uploadId: string) => void api.deleteUpload(ws, uploadId).catch(() => undefined), [ws]);

  const sendTemplate = useCallback(
    async (t: { name: string; language: string; parameters: string[] }) => {
      const id = refs.current.conversationId;
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
  useInboxKeys(
    {
      move,
      open,
      close,
      toggleResolved,
      assignToMe,
      accept,
      openDialog,
      setView,
      showHelp: () => setShowHelp(true),
      visible,
      activeIndex,
      conversationId,
      blocked: showHelp || !!dialog,
    },
    { composer, search: searchRef, list: listRef },
  );

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
  const typers = Object.values(convPresence)
    .filter((p) => p.typingUntil)
    .map((p) => p.name);
  const viewers = Object.values(convPresence)
    .filter((p) => p.viewingUntil)
    .map((p) => p.name);

  const renderRow = (c: FindRow, i: number) => (
    <ConversationRow
      c={c}
      index={i}
      meId={me.id}
      members={members}
      open={c.id === conversationId}
      active={i === activeIndex}
      typing={Object.values(presence[c.id] ?? {}).some((p) => p.typingUntil)}
      setSize={list.cursor ? -1 : visible.length}
      rowMenu={rowMenu}
      onOpen={open}
    />
  );

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
                {(typers.length > 0 || meTyping) && <span>{typingLine(meTyping, typers)}</span>}
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

