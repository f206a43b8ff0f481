import { describe, expect, it } from 'vitest';
import { appendPage, matches, mergeMessages, messageCreated, searchFilter, tagEvent, upsert, type ListFilter } from './model';
import type { Conversation } from './types';
import { conv, msg } from './test/fakes';

const all: ListFilter = { view: 'all', statuses: ['queued', 'open', 'pending', 'snoozed'], userId: 'u1' };

describe('matches', () => {
  it('keeps a resolved conversation out of the default statuses', () => {
    expect(matches(conv({ status: 'resolved' }), all)).toBe(false);
    expect(matches(conv({ status: 'queued' }), all)).toBe(true);
  });
  it('puts a conversation in Mine only when I am an assignee', () => {
    const mine = { ...all, view: 'mine' as const };
    expect(matches(conv({ assignee_ids: ['u2', 'u1'] }), mine)).toBe(true);
    expect(matches(conv({ assignee_ids: ['u2'] }), mine)).toBe(false);
  });
  it('puts a conversation in Unassigned only without assignees', () => {
    const un = { ...all, view: 'unassigned' as const };
    expect(matches(conv({ assignee_ids: null }), un)).toBe(true);
    expect(matches(conv({ assignee_ids: ['u1'] }), un)).toBe(false);
  });
});

describe('upsert', () => {
  const a = conv({ id: 'a', last_activity_at: '2026-01-01T10:00:00Z' });
  const b = conv({ id: 'b', last_activity_at: '2026-01-01T09:00:00Z' });
  const c = conv({ id: 'c', last_activity_at: '2026-01-01T08:00:00Z' });
  const list = [a, b, c];

  it('moves an updated conversation to the top when it has new activity', () => {
    const out = upsert(list, { ...c, last_activity_at: '2026-01-01T11:00:00Z' }, all, false);
    expect(out.map((x) => x.id)).toEqual(['c', 'a', 'b']);
  });
  it('inserts a new conversation at its place', () => {
    const d = conv({ id: 'd', last_activity_at: '2026-01-01T09:30:00Z' });
    expect(upsert(list, d, all, false).map((x) => x.id)).toEqual(['a', 'd', 'b', 'c']);
  });
  it('removes a conversation that no longer matches', () => {
    expect(upsert(list, { ...b, status: 'resolved' }, all, false).map((x) => x.id)).toEqual(['a', 'c']);
  });
  it('leaves an older unknown conversation to the page that holds it', () => {
    const old = conv({ id: 'old', last_activity_at: '2025-01-01T00:00:00Z' });
    expect(upsert(list, old, all, true)).toBe(list);
    expect(upsert(list, old, all, false).map((x) => x.id)).toEqual(['a', 'b', 'c', 'old']);
  });
  it('does not duplicate', () => {
    expect(upsert(list, { ...a }, all, false)).toHaveLength(3);
  });
});

describe('appendPage', () => {
  it('skips rows already in the list', () => {
    const a = conv({ id: 'a' });
    const b = conv({ id: 'b' });
    expect(appendPage([a], [a, b]).map((x) => x.id)).toEqual(['a', 'b']);
  });
});

describe('mergeMessages', () => {
  it('unions by id, oldest first, newest copy wins', () => {
    const m1 = msg({ id: 'm1', conversation_id: 'c', created_at: '2026-01-01T10:00:00Z' });
    const m2 = msg({ id: 'm2', conversation_id: 'c', created_at: '2026-01-01T11:00:00Z', status: 'queued' });
    const m0 = msg({ id: 'm0', conversation_id: 'c', created_at: '2026-01-01T09:00:00Z' });
    const out = mergeMessages([m1, m2], [m0, { ...m2, status: 'delivered' }]);
    expect(out.map((m) => m.id)).toEqual(['m0', 'm1', 'm2']);
    expect(out[2].status).toBe('delivered');
  });

  it('keeps a later delivery status over an older copy that arrives after it', () => {
    const at = '2026-01-01T10:00:00Z';
    const queued = msg({ id: 'm1', conversation_id: 'c', direction: 'out', status: 'queued', status_history: [{ status: 'queued', at }] });
    const sent = { ...queued, status: 'sent', status_history: [{ status: 'queued', at }, { status: 'sending', at }, { status: 'sent', at }] };
    // The WebSocket said "sent" before the POST's answer ("queued") came back.
    expect(mergeMessages([sent], [queued])[0].status).toBe('sent');
    // A retry adds a step, so "queued" after "failed" is newer and wins.
    const failed = { ...queued, status: 'failed', status_history: [{ status: 'queued', at }, { status: 'failed', at }] };
    const retried = { ...queued, status: 'queued', status_history: [...failed.status_history, { status: 'queued', at }] };
    expect(mergeMessages([failed], [retried])[0].status).toBe('queued');
  });
});

describe('searchFilter', () => {
  it('matches name and preview, case-insensitively', () => {
    const a = conv({ id: 'a', contact: { id: 'x', name: 'Grace Hopper' } });
    const b = conv({
      id: 'b',
      last_message: { content: 'My ORDER is late', direction: 'in', sender_kind: 'contact', channel: 'api', private: false, created_at: '' },
    });
    expect(searchFilter([a, b], 'grace').map((c) => c.id)).toEqual(['a']);
    expect(searchFilter([a, b], 'order').map((c) => c.id)).toEqual(['b']);
    expect(searchFilter([a, b], '  ')).toHaveLength(2);
  });
});

describe('messageCreated', () => {
  const lm = { content: 'Where is it?', direction: 'in' as const, sender_kind: 'contact' as const, channel: 'api', private: false, created_at: '2026-01-01T10:00:00Z' };
  it('leaves the preview to the server: a note does not become the preview', () => {
    const list = [conv({ id: 'a', last_message: lm, unread_count: 0 })];
    const note = msg({ id: 'n', conversation_id: 'a', direction: 'out', private: true, content: 'VIP', created_at: '2026-01-01T10:05:00Z' });
    const got = messageCreated(list, note, null);
    expect(got[0].last_message).toEqual(lm);
    expect(got[0].unread_count).toBe(0);
  });
  it('counts an inbound message as unread unless its conversation is open', () => {
    const list = [conv({ id: 'a', last_message: lm, unread_count: 1 })];
    const m = msg({ id: 'm', conversation_id: 'a', direction: 'in', content: 'Hello?' });
    expect(messageCreated(list, m, null)[0].unread_count).toBe(2);
    expect(messageCreated(list, m, 'a')[0].unread_count).toBe(1);
    expect(messageCreated(list, m, null)[0].last_message).toEqual(lm);
  });
});

describe('tagEvent', () => {
  const base = { id: 'c1', tags: ['vip', 'billing'], labels: ['hot'] } as unknown as Conversation;
  it('renames a tag on the rows that carry it', () => {
    const out = tagEvent([base], 'tag.updated', { kind: 'tags', tag: { id: 't', name: 'gold' }, old_name: 'vip' });
    expect(out[0].tags).toEqual(['gold', 'billing']);
  });
  it('removes a deleted label', () => {
    const out = tagEvent([base], 'tag.deleted', { kind: 'labels', tag: { id: 'l', name: 'hot' } });
    expect(out[0].labels).toEqual([]);
  });
  it('keeps the list when nothing carries the tag or only the color changed', () => {
    const list = [base];
    expect(tagEvent(list, 'tag.deleted', { kind: 'tags', tag: { id: 't', name: 'other' } })).toBe(list);
    expect(tagEvent(list, 'tag.updated', { kind: 'tags', tag: { id: 't', name: 'vip' } })).toBe(list);
  });
});
