// Pure functions that keep local lists in step with server events.
import type { Conversation, Message, Status, View } from './types';

export interface ListFilter {
  view: View;
  statuses: Status[];
  userId: string;
  /**
   * server is set for views, filters and sorts only the server can judge:
   * live updates then change the rows already listed, in place, and the
   * list is asked for again.
   */
  server?: boolean;
}

/** matches tells whether a conversation belongs in the list for a filter. */
export function matches(c: Conversation, f: ListFilter): boolean {
  if (f.server) return false;
  if (f.statuses.length && !f.statuses.includes(c.status)) return false;
  const assignees = c.assignee_ids ?? [];
  if (f.view === 'mine') return assignees.includes(f.userId);
  if (f.view === 'unassigned') return assignees.length === 0;
  return true;
}

/** newestFirst orders by last activity, newest first, then by id for a stable order. */
export function newestFirst(a: Conversation, b: Conversation): number {
  const ta = Date.parse(a.last_activity_at) || 0;
  const tb = Date.parse(b.last_activity_at) || 0;
  if (ta !== tb) return tb - ta;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * upsert puts c into list (or removes it when it no longer matches),
 * keeping newest-first order. With more pages still to load, a conversation
 * older than the last loaded row is left for the page that holds it.
 */
export function upsert(list: Conversation[], c: Conversation, f: ListFilter, hasMore: boolean): Conversation[] {
  const idx = list.findIndex((x) => x.id === c.id);
  if (f.server) return idx < 0 ? list : list.slice(0, idx).concat([c], list.slice(idx + 1));
  const rest = idx >= 0 ? list.slice(0, idx).concat(list.slice(idx + 1)) : list;
  if (!matches(c, f)) return idx >= 0 ? rest : list;
  if (hasMore && rest.length > 0 && newestFirst(c, rest[rest.length - 1]) > 0 && idx < 0) return list;
  // Insert at the sorted position (binary search; the list is sorted).
  let lo = 0;
  let hi = rest.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (newestFirst(rest[mid], c) <= 0) lo = mid + 1;
    else hi = mid;
  }
  const out = rest.slice();
  out.splice(lo, 0, c);
  return out;
}

export function remove(list: Conversation[], id: string): Conversation[] {
  const idx = list.findIndex((x) => x.id === id);
  if (idx < 0) return list;
  return list.slice(0, idx).concat(list.slice(idx + 1));
}

/** appendPage adds the next page, skipping rows already present (moved by live updates). */
export function appendPage(list: Conversation[], page: Conversation[]): Conversation[] {
  const seen = new Set(list.map((c) => c.id));
  return list.concat(page.filter((c) => !seen.has(c.id)));
}

function messageOrder(a: Message, b: Message): number {
  const ta = Date.parse(a.created_at) || 0;
  const tb = Date.parse(b.created_at) || 0;
  if (ta !== tb) return ta - tb;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * newer tells whether b is at least as recent a version of a message as a.
 * A message's delivery history only grows (every report, every retry adds a
 * step), so a shorter history is an older copy: a REST answer can arrive
 * after the WebSocket already said the message was sent.
 */
function newer(a: Message, b: Message): boolean {
  return (b.status_history?.length ?? 0) >= (a.status_history?.length ?? 0);
}

/** mergeMessages unions two message lists by id (incoming wins unless older), oldest first. */
export function mergeMessages(existing: Message[], incoming: Message[]): Message[] {
  if (incoming.length === 0) return existing;
  const byId = new Map<string, Message>();
  for (const m of existing) byId.set(m.id, m);
  for (const m of incoming) {
    const prev = byId.get(m.id);
    if (!prev || newer(prev, m)) byId.set(m.id, m);
  }
  const out = Array.from(byId.values());
  out.sort(messageOrder);
  return out;
}

/** searchFilter keeps conversations whose name, preview or number contain q. */
export function searchFilter(list: Conversation[], q: string): Conversation[] {
  const needle = q.trim().toLowerCase();
  if (!needle) return list;
  return list.filter((c) => {
    const name = (c.contact?.name ?? '').toLowerCase();
    const preview = (c.last_message?.content ?? '').toLowerCase();
    return name.includes(needle) || preview.includes(needle) || String(c.number) === needle.replace(/^#/, '');
  });
}

/**
 * messageCreated applies a new message to the conversation list. It counts
 * an unseen inbound message as unread and changes nothing else: what the
 * list previews (and the order) is the server's rule, carried by the
 * conversation.updated event that follows, so the list shows the same live
 * and after a reload.
 */
export function messageCreated(list: Conversation[], m: Message, openId: string | null): Conversation[] {
  const unseen = m.direction === 'in' && !m.private && openId !== m.conversation_id;
  if (!unseen) return list;
  return list.map((c) => (c.id === m.conversation_id ? { ...c, unread_count: c.unread_count + 1 } : c));
}

/** A tag.updated / tag.deleted event: the tag (or label) and, for a rename, its old name. */
export interface TagEvent {
  kind: string;
  tag: { id: string; name: string };
  old_name?: string;
}

/**
 * tagEvent renames (tag.updated with old_name) or removes (tag.deleted) a
 * tag or label on the listed conversations; other events change nothing.
 */
export function tagEvent(list: Conversation[], type: string, ev: TagEvent): Conversation[] {
  if (!ev?.tag?.name) return list;
  const field: 'tags' | 'labels' = ev.kind?.startsWith('label') ? 'labels' : 'tags';
  const from = type === 'tag.deleted' ? ev.tag.name : ev.old_name;
  if (!from || (type !== 'tag.deleted' && type !== 'tag.updated')) return list;
  let changed = false;
  const out = list.map((c) => {
    const names = c[field] ?? [];
    if (!names.includes(from)) return c;
    changed = true;
    const next =
      type === 'tag.deleted'
        ? names.filter((n) => n !== from)
        : Array.from(new Set(names.map((n) => (n === from ? ev.tag.name : n))));
    return { ...c, [field]: next };
  });
  return changed ? out : list;
}
