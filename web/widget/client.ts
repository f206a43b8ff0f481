// The visitor API client: the visitor's token in the page's localStorage
// (per website token, never a cookie), REST calls with it and the socket.
export interface WidgetSettings {
  greeting: string;
  away_message: string;
  open: boolean;
  color: string;
  position: string;
  pre_chat_form: boolean;
  identity_required: boolean;
  name: string;
}

export interface VisitorFile {
  id: string;
  file_name: string;
  content_type: string;
  size: number;
  /** url is fetched with the visitor's token (see WidgetClient.file). */
  url?: string;
}

export interface VisitorMessage {
  id: string;
  conversation_id: string;
  from: 'visitor' | 'agent';
  author_name?: string;
  author_avatar_url?: string;
  content: string;
  content_type: string;
  /** A visitor's message: sending, delivered, read (an agent read it). A reply: its delivery status. */
  status: string;
  attachments?: VisitorFile[];
  created_at: string;
}

export interface Visitor {
  visitor_id: string;
  name: string;
  email: string;
  verified: boolean;
}

interface Handlers {
  message(m: VisitorMessage): void;
  typing(on: boolean, name: string): void;
  /** read: agents read the conversation up to readAt. */
  read(conversationId: string, readAt: string): void;
}

type Identity = { identifier?: string; identifier_hash?: string; name?: string; email?: string };

export class WidgetClient {
  visitor: Visitor | undefined;
  private visitorToken = '';
  private socket: WebSocket | undefined;
  private seq = 0;
  private retry = 500;
  private readonly key: string;

  constructor(
    private readonly base: string,
    private readonly token: string,
    private readonly identity: Identity | undefined,
    private readonly on: Handlers,
  ) {
    this.key = 'parley:' + token;
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.visitorToken) headers.Authorization = 'Bearer ' + this.visitorToken;
    const form = body instanceof FormData;
    if (body !== undefined && !form) headers['Content-Type'] = 'application/json';
    let r: Response;
    try {
      r = await fetch(this.base + '/api/v1/widget/' + path, {
        method, headers, body: body === undefined ? undefined : form ? body : JSON.stringify(body), credentials: 'omit', mode: 'cors',
      });
    } catch {
      // CORS hides the refusal of a website that is not allowed.
      throw new Error('The chat is not available on this website right now.');
    }
    if (r.status === 204) return undefined as T;
    const data = await r.json().catch(() => ({}));
    if (!r.ok) {
      const err = new Error(data.detail || 'The chat is unavailable (' + r.status + ').') as Error & { status?: number };
      err.status = r.status;
      throw err;
    }
    return data as T;
  }

  settings(): Promise<WidgetSettings> {
    return this.call('GET', this.token + '/settings');
  }

  /** ensureVisitor reuses the stored visitor, or starts one. */
  async ensureVisitor(): Promise<void> {
    const id = this.identity;
    try {
      this.visitorToken = localStorage.getItem(this.key) || '';
    } catch {
      this.visitorToken = '';
    }
    if (this.visitorToken) {
      try {
        this.visitor = await this.call<Visitor>('GET', 'visitor');
        // A visitor who signed in since is started again as themselves.
        if (!id?.identifier || this.visitor.verified) return;
      } catch (e) {
        if ((e as { status?: number }).status !== 401) throw e;
      }
    }
    this.visitorToken = '';
    const made = await this.call<{ visitor_token: string }>('POST', this.token + '/visitors', {
      name: id?.name || '', email: id?.email || '', identifier: id?.identifier || '', identifier_hash: id?.identifier_hash || '',
    });
    this.visitorToken = made.visitor_token;
    try {
      localStorage.setItem(this.key, made.visitor_token);
    } catch {
      /* private mode: the visitor lasts as long as the page */
    }
    this.visitor = await this.call<Visitor>('GET', 'visitor');
  }

  messages(): Promise<{ items: VisitorMessage[] }> {
    return this.call('GET', 'messages');
  }

  async updateVisitor(name: string, email: string): Promise<void> {
    this.visitor = await this.call<Visitor>('PATCH', 'visitor', { name, email });
  }

  /** send posts a message; a retry with the same client id is the same message. */
  async send(content: string, files: VisitorFile[], client_message_id: string): Promise<VisitorMessage> {
    const attachment_ids = files.map((f) => f.id);
    const r = await this.call<{ message_id: string; conversation_id: string }>('POST', 'messages', { content, client_message_id, attachment_ids });
    return {
      id: r.message_id, conversation_id: r.conversation_id, from: 'visitor', content, content_type: 'text',
      status: 'delivered', attachments: files, created_at: new Date().toISOString(),
    };
  }

  /** upload sends a file; the server checks it against the chat's limits. */
  upload(file: File): Promise<VisitorFile> {
    const f = new FormData();
    f.append('file', file, file.name);
    return this.call('POST', 'uploads', f);
  }

  /** file fetches an attachment with the visitor's token and returns a blob URL for it. */
  async file(url: string): Promise<string> {
    const r = await fetch(this.base + url, { headers: { Authorization: 'Bearer ' + this.visitorToken }, credentials: 'omit', mode: 'cors' });
    if (!r.ok) throw new Error('The file is not available.');
    return URL.createObjectURL(await r.blob());
  }

  /** seen tells agents the replies reached the visitor (delivered) or were read. */
  seen(status: 'delivered' | 'read') {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ type: 'read', status }));
    else void this.call('POST', 'read', { status }).catch(() => {});
  }

  typing(state: 'on' | 'off') {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ type: 'typing', state }));
  }

  /** connect follows the visitor's socket, reconnecting with since. */
  connect() {
    const u = new URL(this.base + '/api/v1/widget/realtime');
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
    u.searchParams.set('token', this.visitorToken);
    if (this.seq) u.searchParams.set('since', String(this.seq));
    const ws = new WebSocket(u);
    this.socket = ws;
    ws.onmessage = (e) => {
      this.retry = 500;
      let frames: Array<{ type: string; seq?: number; data?: unknown }>;
      try {
        frames = JSON.parse(String(e.data));
      } catch {
        return;
      }
      for (const f of frames) {
        if (f.type === 'hello') {
          if (!this.seq) this.seq = f.seq || 0;
          continue;
        }
        if (f.seq) this.seq = Math.max(this.seq, f.seq);
        if (f.type === 'message.created' || f.type === 'message.updated') this.on.message(f.data as VisitorMessage);
        if (f.type === 'typing') {
          const d = f.data as { state: string; name: string };
          this.on.typing(d.state === 'on', d.name);
        }
        if (f.type === 'read') {
          const d = f.data as { conversation_id: string; read_at: string };
          this.on.read(d.conversation_id, d.read_at);
        }
      }
    };
    ws.onclose = () => {
      if (this.socket !== ws) return;
      setTimeout(() => this.connect(), this.retry);
      this.retry = Math.min(this.retry * 2, 30000);
    };
  }
}
