import { describe, expect, it } from 'vitest';
import type { ListFilter } from '../../model';
import { conv, msg } from '../../test/fakes';
import type { ServerEvent } from '../../types';
import { emptyThread, eventEffects, needsRefetch, reduceCurrent, reduceList, reduceThread, upsertConversation, type EventContext, type ListState } from './events';
import { applyPresence, expirePresence, TYPING_TTL, VIEWING_TTL } from './presence';

const filter: ListFilter = { view: 'all', statuses: ['queued', 'open', 'pending', 'snoozed'], userId: 'me' };

function listOf(...items: ReturnType<typeof conv>[]): ListState {
  return { items, cursor: '', loading: false, loaded: true, error: '' };
}

function ctx(over: Partial<EventContext> = {}): EventContext {
  return { openId: null, threadId: '', filter, listed: [], countsShown: true, filtered: false, currentContactId: '', ...over };
}

const ev = (type: string, data: unknown): ServerEvent => ({ type, data });

describe('reduceList', () => {
  const a = conv({ id: 'a', last_activity_at: '2026-01-01T10:00:00Z', unread_count: 2, pinned: true });
  const b = conv({ id: 'b', last_activity_at: '2026-01-01T09:00:00Z' });

  it('keeps the reader’s own unread count and pin when a broadcast updates a listed conversation', () => {
    const out = reduceList(listOf(a, b), [ev('conversation.updated', { ...a, unread_count: 9, pinned: false, subject: 'New' })], ctx());
    expect(out.items[0]).toMatchObject({ id: 'a', unread_count: 2, pinned: true, subject: 'New' });
  });

  it('shows the open conversation as read', () => {
    const out = reduceList(listOf(a, b), [ev('conversation.updated', { ...a, unread_count: 9 })], ctx({ openId: 'a' }));
    expect(out.items[0].unread_count).toBe(0);
  });

  it('moves a conversation with new activity to the top and drops one that no longer matches', () => {
    const moved = reduceList(listOf(a, b), [ev('conversation.created', { ...b, last_activity_at: '2026-01-01T11:00:00Z' })], ctx());
    expect(moved.items.map((c) => c.id)).toEqual(['b', 'a']);
    const resolved = reduceList(listOf(a, b), [ev('conversation.updated', { ...b, status: 'resolved' })], ctx());
    expect(resolved.items.map((c) => c.id)).toEqual(['a']);
  });

  it('removes a removed conversation', () => {
    expect(reduceList(listOf(a, b), [ev('conversation.removed', { id: 'a' })], ctx()).items.map((c) => c.id)).toEqual(['b']);
  });

  it('counts an unseen inbound message as unread, not one in the open conversation', () => {
    const m = msg({ conversation_id: 'b', direction: 'in' });
    expect(reduceList(listOf(a, b), [ev('message.created', m)], ctx()).items[1].unread_count).toBe(b.unread_count + 1);
    expect(reduceList(listOf(a, b), [ev('message.created', m)], ctx({ openId: 'b' })).items[1].unread_count).toBe(b.unread_count);
  });

  it('renames a tag and renames a contact on the rows', () => {
    const t = conv({ id: 't', tags: ['old'] });
    const out = reduceList(
      listOf(t),
      [ev('tag.updated', { kind: 'tag', tag: { id: 'x', name: 'new' }, old_name: 'old' }), ev('contact.updated', { id: t.contact.id, name: 'Renamed' })],
      ctx(),
    );
    expect(out.items[0].tags).toEqual(['new']);
    expect(out.items[0].contact.name).toBe('Renamed');
  });

  it('answers the same state for events it does not know and for malformed ones', () => {
    const l = listOf(a, b);
    expect(reduceList(l, [ev('payment_request.created', { conversation_id: 'a' }), ev('conversation.updated', null), ev('message.created', {})], ctx())).toBe(l);
  });

  it('applies a batch in order', () => {
    const out = reduceList(listOf(a, b), [ev('conversation.removed', { id: 'a' }), ev('conversation.created', a)], ctx());
    expect(out.items.map((c) => c.id)).toEqual(['a', 'b']);
  });
});

describe('reduceThread', () => {
  it('merges new and changed messages of the loaded conversation only', () => {
    const m1 = msg({ conversation_id: 'a', status: 'sent' });
    const t = { ...emptyThread, conversationId: 'a', messages: [m1] };
    const out = reduceThread(t, [ev('message.updated', { ...m1, status: 'delivered' }), ev('message.created', msg({ conversation_id: 'b' }))]);
    expect(out.messages).toHaveLength(1);
    expect(out.messages[0].status).toBe('delivered');
    expect(reduceThread(t, [ev('message.created', msg({ conversation_id: 'b' }))])).toBe(t);
  });
});

describe('reduceCurrent', () => {
  it('takes the open conversation’s update as read and ignores others', () => {
    const a = conv({ id: 'a', status: 'open' });
    expect(reduceCurrent(a, [ev('conversation.updated', { ...a, status: 'pending', unread_count: 3 })], { openId: 'a' })).toMatchObject({ status: 'pending', unread_count: 0 });
    expect(reduceCurrent(a, [ev('conversation.updated', conv({ id: 'z' }))], { openId: 'a' })).toBe(a);
  });
  it('removes a deleted label from the open conversation', () => {
    const a = conv({ id: 'a', labels: ['vip'] });
    expect(reduceCurrent(a, [ev('tag.deleted', { kind: 'label', tag: { id: 'l', name: 'vip' } })], { openId: 'a' })?.labels).toEqual([]);
  });
});

describe('eventEffects', () => {
  it('asks for counts, and for the list again only when the server judges it', () => {
    const c = conv({ id: 'a' });
    expect(eventEffects([ev('conversation.updated', c)], ctx())).toMatchObject({ refreshCounts: true, reloadList: false, live: ['a'] });
    expect(eventEffects([ev('conversation.updated', c)], ctx({ filter: { ...filter, server: true } })).reloadList).toBe(true);
  });

  it('refetches a broadcast conversation that moves into the list, not a created or listed one', () => {
    const c = conv({ id: 'n' });
    expect(eventEffects([ev('conversation.updated', c), ev('conversation.updated', c)], ctx()).refetch).toEqual(['n']);
    expect(eventEffects([ev('conversation.created', c)], ctx()).refetch).toEqual([]);
    expect(eventEffects([ev('conversation.updated', c)], ctx({ listed: [c] })).refetch).toEqual([]);
    expect(needsRefetch(c, 'updated', { openId: 'n', listed: [], filter })).toBe(false);
  });

  it('pushes counts, shows them only for the unresolved preset, and asks the filtered total again', () => {
    const counts = { all: 3 };
    expect(eventEffects([ev('counts', counts)], ctx())).toMatchObject({ counts: [counts], showCounts: true, refreshCounts: false });
    expect(eventEffects([ev('counts', counts)], ctx({ countsShown: false, filtered: true }))).toMatchObject({ showCounts: false, refreshCounts: true });
    expect(eventEffects([ev('counts', 'nonsense')], ctx()).counts).toEqual([]);
  });

  it('leaves a removed open conversation for its survivor', () => {
    expect(eventEffects([ev('conversation.removed', { id: 'a', merged_into_id: 'b' })], ctx({ openId: 'a' })).navigate).toBe('/conversations/b');
    expect(eventEffects([ev('conversation.removed', { id: 'a' })], ctx({ openId: 'a' })).navigate).toBe('/');
    expect(eventEffects([ev('conversation.removed', { id: 'a' })], ctx({ openId: 'x' })).navigate).toBeNull();
  });

  it('marks read for a customer message in the loaded thread, not for an outbound one', () => {
    expect(eventEffects([ev('message.created', msg({ conversation_id: 'a', direction: 'in' }))], ctx({ threadId: 'a' })).markRead).toBe('a');
    expect(eventEffects([ev('message.created', msg({ conversation_id: 'a', direction: 'out' }))], ctx({ threadId: 'a' })).markRead).toBe('');
    expect(eventEffects([ev('message.created', msg({ conversation_id: 'a', direction: 'in' }))], ctx({ threadId: 'b' })).markRead).toBe('');
  });

  it('reports payments and contact changes of the open conversation, and notifications', () => {
    const fx = eventEffects(
      [ev('payment_request.updated', { conversation_id: 'a' }), ev('contact.updated', { id: 'ct' }), ev('notification.created', { id: 'n1' })],
      ctx({ openId: 'a', currentContactId: 'ct' }),
    );
    expect(fx).toMatchObject({ paymentsChanged: true, contactChanged: true, notifications: [{ id: 'n1' }] });
    expect(eventEffects([ev('payment_request.updated', { conversation_id: 'b' })], ctx({ openId: 'a' })).paymentsChanged).toBe(false);
  });
});

describe('upsertConversation', () => {
  it('takes a REST answer’s per-user fields as the reader’s own', () => {
    const a = conv({ id: 'a', unread_count: 2 });
    expect(upsertConversation(listOf(a), { ...a, unread_count: 5 }, 'rest', null, filter).items[0].unread_count).toBe(5);
  });
});

describe('presence', () => {
  const p = (type: 'typing' | 'viewing', state: 'on' | 'off', user = 'u2') => ({ type, data: { conversation_id: 'a', user: { id: user, name: 'Bo' }, state } });
  it('records colleagues, and the reader only typing in another tab, and expires them', () => {
    const none = {};
    expect(applyPresence(none, p('viewing', 'on', 'me'), 'me', 0)).toBe(none);
    expect(applyPresence(none, p('typing', 'on', 'me'), 'me', 0).a.me.typingUntil).toBe(TYPING_TTL);
    const on = applyPresence(applyPresence(none, p('typing', 'on'), 'me', 1000), p('viewing', 'on'), 'me', 1000);
    expect(on.a.u2).toEqual({ name: 'Bo', typingUntil: 1000 + TYPING_TTL, viewingUntil: 1000 + VIEWING_TTL });
    const typed = expirePresence(on, 1000 + TYPING_TTL + 1);
    expect(typed.a.u2.typingUntil).toBe(0);
    expect(expirePresence(typed, 1000 + TYPING_TTL + 2)).toBe(typed);
    expect(expirePresence(typed, 1000 + VIEWING_TTL + 1)).toEqual({});
    expect(applyPresence(on, p('typing', 'off'), 'me', 2000).a.u2.typingUntil).toBe(0);
  });
});
