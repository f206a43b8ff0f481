// The WebSocket client: one connection per workspace, resumed from the last
// sequence number seen after any disconnect, with a resync (full reload)
// when the server says it cannot replay what was missed.
import type { Presence, ServerEvent } from './types';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface RealtimeHandlers {
  /** events are workspace events in order, already de-duplicated by seq. */
  onEvents: (events: ServerEvent[]) => void;
  onPresence: (p: Presence) => void;
  /** onReload means local state may be stale: refetch lists and threads. */
  onReload: () => void;
  onState: (s: ConnectionState) => void;
  /** onConnected runs after each successful (re)connection, to re-announce presence. */
  onConnected?: () => void;
  /** onFailures reports consecutive failed attempts (to check whether the session ended). */
  onFailures?: (attempts: number) => void;
}

type SocketFactory = (url: string) => WebSocket;

export class RealtimeClient {
  private ws: WebSocket | null = null;
  private lastSeq: number | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private state: ConnectionState = 'closed';
  private workspaceId: string;
  private handlers: RealtimeHandlers;
  private factory: SocketFactory;
  private counts: boolean;

  /** With counts, the server also pushes the view counts ("counts" events, at most once a second). */
  constructor(workspaceId: string, handlers: RealtimeHandlers, factory?: SocketFactory, opts: { counts?: boolean } = {}) {
    this.workspaceId = workspaceId;
    this.handlers = handlers;
    this.factory = factory ?? ((url) => new WebSocket(url));
    this.counts = !!opts.counts;
  }

  get seq() {
    return this.lastSeq;
  }

  start() {
    this.closed = false;
    this.open();
  }

  stop() {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onclose = null;
      ws.onerror = null;
      ws.onmessage = null;
      ws.close();
    }
    this.setState('closed');
  }

  /** send sends a client frame (typing, viewing); dropped while disconnected. */
  send(frame: Record<string, unknown>): boolean {
    if (this.ws && this.ws.readyState === 1) {
      this.ws.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  private url(): string {
    const loc = window.location;
    const proto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
    const params = new URLSearchParams({ workspace_id: this.workspaceId });
    if (this.lastSeq !== null) params.set('since', String(this.lastSeq));
    if (this.counts) params.set('counts', '1');
    return `${proto}//${loc.host}/api/v1/realtime?${params}`;
  }

  private setState(s: ConnectionState) {
    if (s === this.state) return;
    this.state = s;
    this.handlers.onState(s);
  }

  private open() {
    this.setState(this.lastSeq === null && this.attempt === 0 ? 'connecting' : 'reconnecting');
    let ws: WebSocket;
    try {
      ws = this.factory(this.url());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    let resumed = this.lastSeq !== null;
    ws.onmessage = (ev) => {
      let frame: unknown;
      try {
        frame = JSON.parse(typeof ev.data === 'string' ? ev.data : '');
      } catch {
        return;
      }
      const list = (Array.isArray(frame) ? frame : [frame]) as ServerEvent[];
      const events: ServerEvent[] = [];
      for (const e of list) {
        if (!e || typeof e.type !== 'string') continue;
        if (e.type === 'hello') {
          this.attempt = 0;
          this.setState('open');
          if (!resumed) {
            // A fresh connection: anything before now is covered by a reload.
            this.lastSeq = typeof e.seq === 'number' ? e.seq : 0;
            this.handlers.onReload();
          }
          resumed = true;
          this.handlers.onConnected?.();
          continue;
        }
        if (e.type === 'resync') {
          this.lastSeq = null;
          resumed = false;
          // The next hello on this connection, or a new connection, sets the seq.
          this.handlers.onReload();
          continue;
        }
        if (e.type === 'typing' || e.type === 'viewing') {
          this.handlers.onPresence(e as unknown as Presence);
          continue;
        }
        if (typeof e.seq === 'number') {
          if (this.lastSeq !== null && e.seq <= this.lastSeq) continue;
          this.lastSeq = e.seq;
        }
        events.push(e);
      }
      if (events.length) this.handlers.onEvents(events);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (!this.closed) this.scheduleReconnect();
    };
    ws.onerror = () => {
      // onclose follows and reconnects.
    };
  }

  private scheduleReconnect() {
    this.setState('reconnecting');
    this.attempt++;
    this.handlers.onFailures?.(this.attempt);
    const base = Math.min(5000, 250 * 2 ** Math.min(this.attempt - 1, 5));
    const delay = base / 2 + Math.random() * (base / 2);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.closed) this.open();
    }, delay);
  }
}
