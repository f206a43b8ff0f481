import { describe, expect, it } from 'vitest';
import { notificationText } from './Notifications';
import { typingLine } from './ReadControls';

describe('typingLine', () => {
  it.each([
    [false, [], ''],
    [true, [], 'You are typing…'],
    [true, ['Ana'], 'You, Ana are typing…'],
    [false, ['Ana'], 'Ana is typing…'],
    [false, ['Ana', 'Bo'], 'Ana, Bo are typing…'],
  ] as const)('me %s, others %j → %j', (me, others, want) => expect(typingLine(me, [...others])).toBe(want));
});

describe('notificationText', () => {
  it('says who did what where', () => {
    const base = { id: 'n', user_id: 'u', conversation_id: 'c', conversation_number: 7, message_id: 'm', actor: { id: 'a', name: 'Ana' } };
    expect(notificationText({ ...base, kind: 'mention', text: 'look' })).toBe('Ana mentioned you in #7: look');
    expect(notificationText({ ...base, kind: 'participant', text: '' })).toBe('Ana added you to #7');
  });
});
