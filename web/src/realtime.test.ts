import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RealtimeClient, type ConnectionState } from './realtime';
import { FakeSocket } from './test/fakes';

function setup() {
  const events: unknown[] = [];
  const states: ConnectionState[] = [];
  const presence: unknown[] = [];
  const reload = vi.fn();
  const client = new RealtimeClient(
    'ws1',
    {
      onEvents: (e) => events.push(...e),
      onPresence: (p) => presence.push(p),
      onReload: reload,
      onState: (s) => states.push(s),
    },
    (url) => new FakeSocket(url) as unknown as WebSocket,
  );
  return { client, events, states, presence, reload };
}

describe('RealtimeClient', () => {
  beforeEach(() => {
    FakeSocket.reset();
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('connects without since, takes the seq from hello and reloads once', () => {
    const { client, states, reload } = setup();
    client.start();
    const s = FakeSocket.last();
    expect(s.url).toContain('/api/v1/realtime?workspace_id=ws1');
    expect(s.url).not.toContain('since');
    s.open(41);
    expect(client.seq).toBe(41);
    expect(reload).toHaveBeenCalledTimes(1);
    expect(states).toEqual(['connecting', 'open']);
  });

  it('passes events on in order and drops duplicates', () => {
    const { client, events } = setup();
    client.start();
    const s = FakeSocket.last();
    s.open(10);
    s.emit([
      { seq: 10, type: 'conversation.updated', data: { id: 'old' } },
      { seq: 11, type: 'conversation.created', data: { id: 'a' } },
      { seq: 12, type: 'message.created', data: { id: 'm' } },
    ]);
    s.emit([{ seq: 12, type: 'message.created', data: { id: 'm' } }]);
    expect(events.map((e) => (e as { seq: number }).seq)).toEqual([11, 12]);
    expect(client.seq).toBe(12);
  });

  it('resumes from the last seq after a drop, without reloading', () => {
    const { client, states, reload, events } = setup();
    client.start();
    FakeSocket.last().open(5);
    FakeSocket.last().emit([{ seq: 6, type: 'conversation.updated', data: {} }]);
    FakeSocket.last().drop();
    expect(states[states.length - 1]).toBe('reconnecting');
    vi.advanceTimersByTime(10000);
    const s2 = FakeSocket.last();
    expect(FakeSocket.instances).toHaveLength(2);
    expect(s2.url).toContain('since=6');
    s2.open(9);
    s2.emit([{ seq: 7, type: 'message.created', data: {} }]);
    expect(reload).toHaveBeenCalledTimes(1);
    expect(events).toHaveLength(2);
    expect(states[states.length - 1]).toBe('open');
  });

  it('reloads on resync', () => {
    const { client, reload } = setup();
    client.start();
    FakeSocket.last().open(5);
    FakeSocket.last().emit([{ type: 'resync' }]);
    expect(reload).toHaveBeenCalledTimes(2);
  });

  it('hands typing and viewing to onPresence', () => {
    const { client, presence, events } = setup();
    client.start();
    FakeSocket.last().open(1);
    FakeSocket.last().emit([{ type: 'typing', data: { conversation_id: 'c', user: { id: 'u2', name: 'Bo' }, state: 'on' } }]);
    expect(presence).toHaveLength(1);
    expect(events).toHaveLength(0);
  });

  it('sends client frames only while open', () => {
    const { client } = setup();
    client.start();
    expect(client.send({ type: 'typing', conversation_id: 'c', state: 'on' })).toBe(false);
    FakeSocket.last().open(1);
    expect(client.send({ type: 'typing', conversation_id: 'c', state: 'on' })).toBe(true);
    expect(FakeSocket.last().sent).toEqual([{ type: 'typing', conversation_id: 'c', state: 'on' }]);
  });

  it('reports consecutive failures and resets the count on hello', () => {
    const failures: number[] = [];
    const client = new RealtimeClient(
      'ws1',
      { onEvents: () => {}, onPresence: () => {}, onReload: () => {}, onState: () => {}, onFailures: (n) => failures.push(n) },
      (url) => new FakeSocket(url) as unknown as WebSocket,
    );
    client.start();
    FakeSocket.last().drop();
    vi.advanceTimersByTime(10000);
    FakeSocket.last().drop();
    vi.advanceTimersByTime(10000);
    FakeSocket.last().open(3);
    FakeSocket.last().drop();
    expect(failures).toEqual([1, 2, 1]);
    client.stop();
  });

  it('stops reconnecting after stop', () => {
    const { client } = setup();
    client.start();
    FakeSocket.last().open(1);
    client.stop();
    vi.advanceTimersByTime(60000);
    expect(FakeSocket.instances).toHaveLength(1);
  });
});
