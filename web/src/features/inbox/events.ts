// The inbox's socket event reducer: what a batch of server events does to the
// conversation list, the open thread and the open conversation, and which
// side effects (counts, reloads, marking read, navigation) it asks for. Pure:
// the Inbox applies the slices through functional state updates and runs the
// effects; the tests call these functions directly.
import type { ViewCounts } from '../find/api';
import { matches, mergeMessages, messageCreated, remove, tagEvent, upsert, type ListFilter, type TagEvent } from '../../model';
import type { Contact, Conversation, Message, ServerEvent } from '../../types';

export interface ListState {
  items: Conversation[];
  cursor: string;
  loading: boolean;
  loaded: boolean;
  error: string;
}

export interface ThreadState {
  conversationId: string;
  messages: Message[];
  cursor: string;
  loading: boolean;
  loadingOlder: boolean;
  error: string;
}

export const emptyThread: ThreadState = { conversationId: '', messages: [], cursor: '', loading: false, loadingOlder: false, error: '' };

/** Where a changed conversation comes from: a REST answer (the reader's own), or a broadcast event. */
export type ConversationSource = 'rest' | 'created' | 'updated';

/** EventContext is what the reducer reads besides the slices: the open conversation and the list's filter. */
export interface EventContext {
  /** openId is the conversation open in the address bar ('' or null when none). */
  openId: string | null;
  /** threadId is the conversation whose messages are loaded. */
  threadId: string;
  filter: ListFilter;
  /** listed is the list as the reader last saw it (to tell a conversation that moves into the list). */
  listed: Conversation[];
  /** countsShown is true when the pushed counts (asked without a status list) are the ones shown. */
  countsShown: boolean;
  /** filtered is true when the list has an advanced filter (its total is asked again on changes). */
  filtered: boolean;
  /** currentContactId is the open conversation's contact ('' when none). */
  currentContactId: string;
}

export interface EventEffects {
  /** counts are the pushed view counts, in order (each is published to the sidebar). */
  counts: ViewCounts[];
  /** showCounts is true when the pushed counts replace the ones shown. */
  showCounts: boolean;
  refreshCounts: boolean;
  /** reloadList asks the list again: views and filters the browser cannot judge. */
  reloadList: boolean;
  /** markRead names the open conversation when a customer message arrived in it. */
  markRead: string;
  /** navigate is where to go when the open conversation was removed (its survivor after a merge). */
  navigate: string | null;
  paymentsChanged: boolean;
  contactChanged: boolean;
  notifications: unknown[];
  /** live are the conversations applied from events (kept over a page fetched meanwhile). */
  live: string[];
  /** refetch are conversations that moved into the list: fetched again for the reader's own fields. */
  refetch: string[];
}

/**
 * upsertConversation puts a changed conversation into the list. Per-user
 * fields (unread_count, pinned) in a broadcast event are not the reader's
 * own, so for a conversation already listed they are kept; the open one reads
 * as read.
 */
export function upsertConversation(l: ListState, c: Conversation, from: ConversationSource, openId: string | null, filter: ListFilter): ListState {
  const prev = l.items.find((x) => x.id === c.id);
  let item = c;
  if (openId === c.id) item = { ...c, unread_count: 0 };
  else if (from !== 'rest' && prev) item = { ...c, unread_count: prev.unread_count, pinned: prev.pinned };
  return { ...l, items: upsert(l.items, item, filter, !!l.cursor) };
}

/** needsRefetch is true for a broadcast conversation that moves into the list: its per-user fields are someone else's. */
export function needsRefetch(c: Conversation, from: ConversationSource, ctx: Pick<EventContext, 'openId' | 'listed' | 'filter'>): boolean {
  return from === 'updated' && ctx.openId !== c.id && !ctx.listed.some((x) => x.id === c.id) && matches(c, ctx.filter);
}

function conversationEvent(e: ServerEvent): Conversation | null {
  if (e.type !== 'conversation.created' && e.type !== 'conversation.updated') return null;
  const c = e.data as Conversation;
  return c?.id ? c : null;
}

/** reduceList applies a batch of events to the conversation list. */
export function reduceList(l: ListState, events: ServerEvent[], ctx: EventContext): ListState {
  let out = l;
  for (const e of events) {
    const conv = conversationEvent(e);
    if (conv) {
      out = upsertConversation(out, conv, e.type === 'conversation.created' ? 'created' : 'updated', ctx.openId, ctx.filter);
      continue;
    }
    switch (e.type) {
      case 'conversation.removed': {
        const c = e.data as Partial<Conversation>;
        if (c?.id) out = { ...out, items: remove(out.items, c.id) };
        break;
      }
      case 'tag.updated':
      case 'tag.deleted': {
        const items = tagEvent(out.items, e.type, e.data as TagEvent);
        if (items !== out.items) out = { ...out, items };
        break;
      }
      case 'message.created': {
        // Only the unread count: the preview comes with conversation.updated.
        const m = e.data as Message;
        if (!m?.id) break;
        const items = messageCreated(out.items, m, ctx.openId);
        if (items !== out.items) out = { ...out, items };
        break;
      }
      case 'contact.updated': {
        const ct = e.data as Contact;
        if (!ct?.id) break;
        out = {
          ...out,
          items: out.items.map((c) => (c.contact?.id === ct.id ? { ...c, contact: { ...c.contact, name: ct.name, avatar_url: ct.avatar_url } } : c)),
        };
        break;
      }
    }
  }
  return out;
}

/** reduceThread applies a batch of events to the loaded thread: new and changed messages of its conversation. */
export function reduceThread(t: ThreadState, events: ServerEvent[]): ThreadState {
  let out = t;
  for (const e of events) {
    if (e.type !== 'message.created' && e.type !== 'message.updated') continue;
    const m = e.data as Message;
    if (!m?.id || out.conversationId !== m.conversation_id) continue;
    out = { ...out, messages: mergeMessages(out.messages, [m]) };
  }
  return out;
}

/** reduceCurrent applies a batch of events to the open conversation. */
export function reduceCurrent(cur: Conversation | null, events: ServerEvent[], ctx: Pick<EventContext, 'openId'>): Conversation | null {
  let out = cur;
  for (const e of events) {
    const conv = conversationEvent(e);
    if (conv) {
      if (ctx.openId === conv.id) out = { ...conv, unread_count: 0 };
      continue;
    }
    if ((e.type === 'tag.updated' || e.type === 'tag.deleted') && out) {
      const next = tagEvent([out], e.type, e.data as TagEvent);
      if (next[0] !== out) out = next[0];
    }
  }
  return out;
}

/** eventEffects answers the side effects a batch of events asks for. */
export function eventEffects(events: ServerEvent[], ctx: EventContext): EventEffects {
  const fx: EventEffects = {
    counts: [],
    showCounts: false,
    refreshCounts: false,
    reloadList: false,
    markRead: '',
    navigate: null,
    paymentsChanged: false,
    contactChanged: false,
    notifications: [],
    live: [],
    refetch: [],
  };
  let listDirty = false;
  for (const e of events) {
    const conv = conversationEvent(e);
    if (conv) {
      fx.live.push(conv.id);
      if (needsRefetch(conv, e.type === 'conversation.created' ? 'created' : 'updated', ctx) && !fx.refetch.includes(conv.id)) fx.refetch.push(conv.id);
      fx.refreshCounts = true;
      listDirty = true;
      continue;
    }
    switch (e.type) {
      case 'counts': {
        // Pushed view counts (counts=1): as asked without a status list.
        const c = e.data as ViewCounts;
        if (!c || typeof c !== 'object') break;
        fx.counts.push(c);
        if (ctx.countsShown) fx.showCounts = true;
        if (ctx.filtered) fx.refreshCounts = true;
        break;
      }
      case 'conversation.removed': {
        const c = e.data as Partial<Conversation> & { merged_into_id?: string };
        if (!c?.id) break;
        fx.refreshCounts = true;
        // A merged conversation lives on in its survivor.
        if (ctx.openId === c.id) fx.navigate = c.merged_into_id ? '/conversations/' + encodeURIComponent(c.merged_into_id) : '/';
        break;
      }
      case 'payment_request.created':
      case 'payment_request.updated': {
        const pr = e.data as { conversation_id?: string };
        if (pr?.conversation_id && pr.conversation_id === ctx.openId) fx.paymentsChanged = true;
        break;
      }
      case 'message.created': {
        const m = e.data as Message;
        if (m?.id && ctx.threadId === m.conversation_id && m.direction === 'in') fx.markRead = m.conversation_id;
        break;
      }
      case 'contact.updated': {
        const ct = e.data as Contact;
        if (ct?.id && ctx.currentContactId === ct.id) fx.contactChanged = true;
        break;
      }
      case 'notification.created':
        fx.notifications.push(e.data);
        break;
    }
  }
  fx.reloadList = listDirty && !!ctx.filter.server;
  return fx;
}
