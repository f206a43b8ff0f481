import { describe, expect, it } from 'vitest';
import type { CannedReply, InternalChat, InternalMessage } from '../collab/api';
import { applyChatMessage, unreadTotal } from '../collab/internalChats';
import { filterCanned, insertMention, mentionedIds, mentionQuery, slashQuery, unfilled } from './pickers';

const reply = (short_code: string, title: string, category: string): CannedReply => ({ id: short_code, short_code, title, category, body: '', shared: true });

describe('slashQuery', () => {
  it.each([
    ['/', ''],
    ['/hi', 'hi'],
    ['/hi there', null],
    ['hi /x', null],
    ['', null],
  ])('%j → %j', (text, want) => expect(slashQuery(text)).toBe(want));
});

describe('mentionQuery', () => {
  it('finds the name typed after @ before the caret', () => {
    expect(mentionQuery('ask @bo', 7)).toEqual({ start: 4, query: 'bo' });
    expect(mentionQuery('@', 1)).toEqual({ start: 0, query: '' });
  });
  it('ignores an e-mail address and text after a space', () => {
    expect(mentionQuery('mail a@b', 8)).toBeNull();
    expect(mentionQuery('@bo is', 6)).toBeNull();
  });
});

describe('filterCanned', () => {
  const list = [reply('thanks', 'Thank you', 'Closers'), reply('hi', 'Greeting', 'Openers'), reply('hours', 'Opening hours', 'Info')];
  it('searches code, title and category, codes first', () => {
    expect(filterCanned(list, 'h').map((r) => r.short_code)).toEqual(['hi', 'hours', 'thanks']);
    expect(filterCanned(list, 'open').map((r) => r.short_code)).toEqual(['hours', 'hi']);
    expect(filterCanned(list, 'closers').map((r) => r.short_code)).toEqual(['thanks']);
    expect(filterCanned(list, '')).toHaveLength(3);
  });
});

describe('mentions', () => {
  it('inserts the name and keeps only mentions still in the text', () => {
    const r = insertMention('ask @b now', 4, 6, 'Bo Agent');
    expect(r).toEqual({ text: 'ask @Bo Agent  now', caret: 14 });
    const picked = [
      { id: 'u1', name: 'Bo Agent' },
      { id: 'u2', name: 'Cy' },
    ];
    expect(mentionedIds(r.text, picked)).toEqual(['u1']);
  });
});

describe('unfilled', () => {
  it('names missing variables still written in the text', () => {
    expect(unfilled('Hi {{first_name}}, {{ email }}', ['first_name', 'email'])).toEqual(['first_name', 'email']);
    expect(unfilled('Hi Ana, ana@example.com', ['first_name', 'email'])).toEqual([]);
    expect(unfilled('{{contact.email}}', ['contact.email'])).toEqual(['contact.email']);
  });
});

describe('applyChatMessage', () => {
  const chat = (id: string, unread = 0): InternalChat => ({ id, member_ids: [], with: { id: 'x', name: 'X' }, unread_count: unread, last_message: null, last_message_at: '' });
  const msg = (chat_id: string, sender_id: string, id = 'm1'): InternalMessage => ({ id, chat_id, sender_id, sender_name: '', content: 'hi', created_at: 't' });
  it('moves the chat first and counts what others wrote', () => {
    const next = applyChatMessage([chat('a'), chat('b', 1)], msg('b', 'other'), 'me', null)!;
    expect(next.map((c) => [c.id, c.unread_count])).toEqual([
      ['b', 2],
      ['a', 0],
    ]);
    expect(unreadTotal(next)).toBe(2);
  });
  it('does not count one’s own messages or the open chat', () => {
    expect(applyChatMessage([chat('a')], msg('a', 'me'), 'me', null)![0].unread_count).toBe(0);
    expect(applyChatMessage([chat('a', 3)], msg('a', 'other'), 'me', 'a')![0].unread_count).toBe(0);
  });
  it('asks for a reload when the chat is new', () => {
    expect(applyChatMessage([chat('a')], msg('z', 'other'), 'me', null)).toBeNull();
  });
});
