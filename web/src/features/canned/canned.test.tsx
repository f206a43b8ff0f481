import { describe, expect, it } from 'vitest';
import { groupByCategory } from './CannedPage';

describe('groupByCategory', () => {
  it('sorts categories, keeps uncategorised last and short codes in order', () => {
    const r = (category: string, short_code: string) => ({ category, short_code });
    const got = groupByCategory([r('', 'z'), r('Billing', 'refund'), r('Greetings', 'hi'), r('Billing', 'invoice'), r(' Greetings ', 'bye')]);
    expect(got.map(([k, v]) => [k, v.map((x) => x.short_code)])).toEqual([
      ['Billing', ['invoice', 'refund']],
      ['Greetings', ['bye', 'hi']],
      ['', ['z']],
    ]);
  });
});
