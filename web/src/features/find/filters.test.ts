import { describe, expect, it } from 'vitest';
import { errorOrigin, fromFilter, newRow, rowCondition, toFilter, type BuilderState } from './filters';
import { findSearch, parseFind } from './query';

const base: BuilderState = { match: 'all', basic: { channel: '', hasPhone: '', hasEmail: '' }, rows: [] };

describe('filter builder model', () => {
  it('builds nothing from an empty builder', () => {
    expect(toFilter(base)).toEqual({ filter: null, origins: [] });
  });

  const cases: { name: string; state: BuilderState; want: unknown; origins: unknown[] }[] = [
    {
      name: 'basic filters',
      state: { ...base, basic: { channel: 'whatsapp', hasPhone: 'true', hasEmail: 'false' } },
      want: {
        match: 'all',
        conditions: [
          { field: 'channel', op: 'eq', value: 'whatsapp' },
          { field: 'has_phone', op: 'eq', value: true },
          { field: 'has_email', op: 'eq', value: false },
        ],
      },
      origins: ['channel', 'has_phone', 'has_email'],
    },
    {
      name: 'rows with any, skipping an incomplete one',
      state: {
        match: 'any',
        basic: { channel: '', hasPhone: '', hasEmail: '' },
        rows: [
          { field: 'tag', attrKey: '', op: 'in', value: ['vip', ' gold ', ''], to: '' },
          { field: 'status', attrKey: '', op: 'eq', value: [], to: '' },
          { field: 'assignee', attrKey: '', op: 'eq', value: ['none'], to: '' },
          { field: 'number', attrKey: '', op: 'between', value: ['#10'], to: '20' },
          { field: 'attribute', attrKey: 'plan', op: 'contains', value: ['pro'], to: '' },
          { field: 'label', attrKey: '', op: 'exists', value: [], to: '' },
          { field: 'created_at', attrKey: '', op: 'eq', value: ['7d'], to: '' },
        ],
      },
      want: {
        match: 'any',
        conditions: [
          { field: 'tag', op: 'in', value: ['vip', 'gold'] },
          { field: 'assignee', op: 'eq', value: 'none' },
          { field: 'number', op: 'between', value: [10, 20] },
          { field: 'contact.attributes.plan', op: 'contains', value: 'pro' },
          { field: 'label', op: 'exists', value: true },
          { field: 'created_at', op: 'eq', value: '7d' },
        ],
      },
      origins: [0, 2, 3, 4, 5, 6],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = toFilter(c.state);
      expect(got.filter).toEqual(c.want);
      expect(got.origins).toEqual(c.origins);
    });
  }

  it('round-trips a filter through the builder', () => {
    const f = {
      match: 'any' as const,
      conditions: [
        { field: 'channel', op: 'eq', value: 'email' },
        { field: 'has_email', op: 'eq', value: true },
        { field: 'priority', op: 'gt', value: 'low' },
        { field: 'number', op: 'in', value: [1, 2] },
        { field: 'contact.attributes.plan', op: 'eq', value: 'pro' },
        { field: 'last_activity_at', op: 'between', value: { from: '2026-01-01T10:00:00.000Z', to: '2026-01-02T10:00:00.000Z' } },
      ],
    };
    const s = fromFilter(f);
    expect(s.basic).toEqual({ channel: 'email', hasPhone: '', hasEmail: 'true' });
    expect(s.rows).toHaveLength(4);
    // The basic filters come first when built again; the rest keep their order.
    expect(toFilter(s).filter).toEqual(f);
  });

  it('leaves incomplete rows out', () => {
    expect(rowCondition({ ...newRow('number'), value: ['abc'] })).toBeNull();
    expect(rowCondition({ ...newRow('attribute'), value: ['x'] })).toBeNull();
    expect(rowCondition({ ...newRow('created_at'), op: 'between', value: ['2026-01-01T10:00'], to: '' })).toBeNull();
    expect(rowCondition({ ...newRow('tag'), value: ['  '] })).toBeNull();
  });

  it('finds the condition a 422 names', () => {
    const origins = ['channel' as const, 2, 5];
    expect(errorOrigin('Condition 2 (tag): unknown operator "gt" for tag; use eq.', origins)).toBe(2);
    expect(errorOrigin('Condition 1 (channel): "x y" is not a channel kind.', origins)).toBe('channel');
    expect(errorOrigin('A filter has at most 20 conditions.', origins)).toBeNull();
    expect(errorOrigin('Condition 9 (x): …', origins)).toBeNull();
  });
});

describe('find state in the address', () => {
  it('reads and writes view, team, filter, sort, saved filter and message', () => {
    const f = { match: 'all' as const, conditions: [{ field: 'tag', op: 'eq', value: 'vip' }] };
    const s = findSearch({ view: 'team', teamId: 't1', filter: f, sort: 'oldest', savedId: 's1', msgId: 'm1' });
    expect(parseFind(s)).toEqual({ view: 'team', teamId: 't1', filter: f, sort: 'oldest', savedId: 's1', msgId: 'm1' });
  });
  it('falls back to the defaults for unknown or broken values', () => {
    expect(parseFind('?view=nope&sort=sideways&filter=%7Bbroken')).toMatchObject({ view: 'all', sort: 'newest', filter: null });
    expect(findSearch({ view: 'all', sort: 'newest', filter: null })).toBe('');
  });
});
