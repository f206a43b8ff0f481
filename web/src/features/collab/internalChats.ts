// The internal-chat list as events change it: pure, so it is tested alone.
import type { InternalChat, InternalMessage } from './api';

/** applyChatMessage puts a new message on its chat: first in the list, one more unread unless the reader wrote it or has it open. */
export function applyChatMessage(list: InternalChat[], m: InternalMessage, meId: string, openId: string | null): InternalChat[] | null {
  const i = list.findIndex((c) => c.id === m.chat_id);
  if (i < 0) return null; // a new chat: reload the list
  const c = list[i];
  if (c.last_message?.id === m.id) return list;
  const unread = m.sender_id === meId || openId === c.id ? 0 : c.unread_count + 1;
  const next = { ...c, last_message: m, last_message_at: m.created_at, unread_count: openId === c.id ? 0 : unread };
  return [next, ...list.slice(0, i), ...list.slice(i + 1)];
}

export function unreadTotal(list: InternalChat[]): number {
  return list.reduce((n, c) => n + (c.unread_count || 0), 0);
}
