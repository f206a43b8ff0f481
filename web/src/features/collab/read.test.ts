import { describe, expect, it } from 'vitest';
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
