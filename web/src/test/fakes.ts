// Test doubles: a fetch that answers from a route table, and a WebSocket
// that tests drive by hand.
import { vi } from 'vitest';
import type { Conversation, Message } from '../types';

export interface Call {
  method: string;
  path: string;
  body: unknown;
}

const REPLY = Symbol('reply');
interface Reply {
  [REPLY]: true;
  status: number;
  body?: unknown;
}

/** reply answers with a status other than 200 (a plain value answers 200). */
export function reply(status: number, body?: unknown): Reply {
  return { [REPLY]: true, status, body };
}

type Handler = (call: Call, params: string[]) => unknown;

export function mockFetch(routes: Record<string, Handler>) {
  const calls: Call[] = [];
  const compiled = Object.entries(routes).map(([key, fn]) => {
    const [method, pattern] = key.split(' ');
    const re = new RegExp('^' + pattern.replace(/\{[^}]+\}/g, '([^/?]+)') + '(?:\\?.*)?$');
    return { method, re, fn };
  });
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input.toString();
    const path = url.replace(/^https?:\/\/[^/]+/, '').replace(/^\/api\/v1/, '');
    const method = (init?.method ?? 'GET').toUpperCase();
    // Multipart bodies (uploads) are handed over as the FormData itself.
    const body = init?.body instanceof FormData ? init.body : init?.body ? JSON.parse(String(init.body)) : undefined;
    const call = { method, path, body };
    calls.push(call);
    for (const r of compiled) {
      const m = r.method === method ? r.re.exec(path) : null;
      if (!m) continue;
      // A handler may answer later (a promise); an aborted request rejects as fetch does.
      const signal = init?.signal;
      const aborted = new Promise<never>((_, reject) => {
        const fail = () => reject(new DOMException('The operation was aborted.', 'AbortError'));
        if (signal?.aborted) fail();
        signal?.addEventListener('abort', fail);
      });
      aborted.catch(() => {}); // an abort after the answer is nobody's error
      const out = await Promise.race([Promise.resolve(r.fn(call, m.slice(1))), aborted]);
      const isReply = !!out && typeof out === 'object' && REPLY in out;
      const status = isReply ? (out as Reply).status : 200;
      const payload = isReply ? (out as Reply).body : out;
      if (status === 204) return new Response(null, { status });
      return new Response(payload === undefined ? '' : JSON.stringify(payload), {
        status,
        headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' },
      });
    }
    return new Response(JSON.stringify({ title: 'Not Found', status: 404, detail: `No route for ${method} ${path}` }), {
      status: 404,
    });
  });
  vi.stubGlobal('fetch', fetchMock);
  return { calls, fetchMock };
}

export class FakeSocket {
  static instances: FakeSocket[] = [];
  url: string;
  readyState = 0;
  sent: unknown[] = [];
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  constructor(url: string) {
    this.url = url;
    FakeSocket.instances.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  /** open accepts the connection and sends hello. */
  open(seq = 0) {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
    this.emit([{ type: 'hello', seq }]);
  }
  emit(frame: unknown) {
    this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(frame) }));
  }
  drop() {
    this.readyState = 3;
    this.onclose?.(new CloseEvent('close'));
  }
  static last(): FakeSocket {
    return FakeSocket.instances[FakeSocket.instances.length - 1];
  }
  static reset() {
    FakeSocket.instances = [];
  }
}

export function installFakeSocket() {
  FakeSocket.reset();
  vi.stubGlobal('WebSocket', FakeSocket);
}

let n = 0;
export function conv(over: Partial<Conversation> = {}): Conversation {
  n++;
  const id = over.id ?? `c${n}`;
  return {
    id,
    number: n,
    status: 'open',
    contact: { id: 'ct-' + id, name: `Customer ${n}` },
    contact_id: 'ct-' + id,
    inbox: { id: 'in1', name: 'API', channel: 'api' },
    inbox_id: 'in1',
    assignee_ids: [],
    ai_mode: 'manual',
    unread_count: 0,
    last_activity_at: new Date(Date.UTC(2026, 0, 1, 12, 0, 0) + n * 1000).toISOString(),
    created_at: '2026-01-01T10:00:00Z',
    last_message: { content: `Hello ${n}`, direction: 'in', sender_kind: 'contact', channel: 'api', private: false, created_at: '2026-01-01T12:00:00Z' },
    ...over,
  };
}

export function msg(over: Partial<Message> & { conversation_id: string }): Message {
  n++;
  return {
    id: over.id ?? `m${n}`,
    direction: 'in',
    sender: { kind: 'contact', id: 'ct1', name: 'Ada Customer' },
    private: false,
    content: `Message ${n}`,
    channel: 'api',
    status: 'received',
    created_at: new Date(Date.UTC(2026, 0, 1, 12, 0, 0) + n * 1000).toISOString(),
    ...over,
  };
}
