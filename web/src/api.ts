// A small typed client for the REST contract. The browser authenticates with
// the HttpOnly session cookie, so requests are same-origin and carry no token.
import type {
  Priority,
  AIMode,
  Attachment,
  Availability,
  ChannelHealth,
  ChannelTest,
  Contact,
  Conversation,
  Counts,
  Inbox,
  InboxInput,
  Me,
  Member,
  Message,
  Page,
  Problem,
  Resent,
  Status,
  Team,
  TemplateList,
  User,
  View,
} from './types';
import type { ChannelSpecs } from './channels';
import type { components } from './api/schema';

/**
 * Schemas are the API's request and response bodies, generated from the
 * server's OpenAPI document (make gen-api); use them for new calls.
 */
export type Schemas = components['schemas'];

/** ApiError is a failed request, with the problem body's readable detail. */
export class ApiError extends Error {
  status: number;
  problem: Problem | null;
  constructor(status: number, problem: Problem | null, fallback: string) {
    super(problemMessage(problem) || fallback);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }
}

function problemMessage(p: Problem | null): string {
  if (!p) return '';
  const details = (p.errors ?? []).map((e) => e.message ?? '').filter(Boolean);
  // A field's message often repeats the detail word for word: say it once.
  const extra = details.filter((d) => !(p.detail ?? '').includes(d));
  if (p.detail) return extra.length ? `${p.detail} ${extra.join(' ')}` : p.detail;
  if (details.length) return details.join(' ');
  return p.title ?? '';
}

let unauthorizedHandler: (() => void) | null = null;

/** onUnauthorized registers what to do when a signed-in request gets 401. */
export function onUnauthorized(fn: (() => void) | null) {
  unauthorizedHandler = fn;
}

interface RequestOptions {
  method?: string;
  body?: unknown;
  /** form is a multipart body (file uploads); the browser sets its Content-Type. */
  form?: FormData;
  signal?: AbortSignal;
  /** quiet401 keeps a 401 from signing the app out (sign-in, set-up, probing). */
  quiet401?: boolean;
}

export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  let body: string | FormData | undefined;
  if (opts.form) {
    body = opts.form;
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch('/api/v1' + path, {
      method: opts.method ?? 'GET',
      headers,
      body,
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error)?.name === 'AbortError') throw err;
    throw new ApiError(0, null, 'The server cannot be reached. Check your connection and try again.');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    if (res.status === 401 && !opts.quiet401 && unauthorizedHandler) unauthorizedHandler();
    throw new ApiError(res.status, (data as Problem) ?? null, `Request failed (${res.status}).`);
  }
  return data as T;
}

const q = (params: Record<string, string | number | undefined>) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') s.set(k, String(v));
  const str = s.toString();
  return str ? '?' + str : '';
};

export interface AuthResult {
  token: string;
  user: User;
}

export const api = {
  setupNeeded: () => request<{ needed: boolean }>('/setup', { quiet401: true }),
  setup: (body: Schemas['CompleteSetupRequest']) =>
    request<AuthResult>('/setup', { method: 'POST', body, quiet401: true }),
  login: (email: string, password: string) =>
    request<AuthResult>('/auth/login', { method: 'POST', body: { email, password } satisfies Schemas['LoginRequest'], quiet401: true }),
  logout: () => request<void>('/auth/logout', { method: 'POST', quiet401: true }),
  me: () => request<Me>('/me', { quiet401: true }),
  /** ping checks the session; a 401 signs the app out. */
  ping: () => request<Me>('/me'),
  updateMe: (body: Schemas['UpdateMeRequest']) => request<User>('/me', { method: 'PATCH', body }),
  changePassword: (current_password: string, new_password: string) =>
    request<Schemas['ChangePasswordResponse'] | undefined>('/me/password', {
      method: 'POST',
      body: { current_password, new_password } satisfies Schemas['ChangePasswordRequest'],
    }),

  members: (ws: string) => request<Page<Member>>(`/workspaces/${ws}/users`),
  updateMember: (ws: string, uid: string, body: { availability?: Availability }) =>
    request<Member>(`/workspaces/${ws}/users/${uid}`, { method: 'PATCH', body }),
  teams: (ws: string) => request<Page<Team>>(`/workspaces/${ws}/teams`),

  conversations: (
    ws: string,
    p: { view: View; status: Status[]; cursor?: string; limit?: number },
    signal?: AbortSignal,
  ) =>
    request<Page<Conversation>>(
      `/workspaces/${ws}/conversations` +
        q({ view: p.view, status: p.status.join(','), cursor: p.cursor, limit: p.limit }),
      { signal },
    ),
  counts: (ws: string, status: Status[], signal?: AbortSignal) =>
    request<Counts>(`/workspaces/${ws}/conversations/counts` + q({ status: status.join(',') }), { signal }),
  conversation: (ws: string, id: string) => request<Conversation>(`/workspaces/${ws}/conversations/${id}`),
  updateConversation: (
    ws: string,
    id: string,
    body: Partial<{
      status: Status;
      snoozed_until: string;
      assignee_ids: string[];
      ai_mode: AIMode;
      team_id: string | null;
      priority: Priority;
      visible_to: string[] | null;
      tags: string[];
      labels: string[];
    }>,
  ) => request<Conversation>(`/workspaces/${ws}/conversations/${id}`, { method: 'PATCH', body }),
  /** editNames adds and removes labels or tags without replacing the list (a colleague's concurrent edit survives). */
  editNames: (ws: string, id: string, field: 'labels' | 'tags', ops: { add?: string[]; remove?: string[] }) =>
    request<Conversation>(`/workspaces/${ws}/conversations/${id}/${field}`, { method: 'PATCH', body: ops }),
  /** pin pins or unpins a conversation for the signed-in user. */
  pin: (ws: string, id: string, pinned: boolean) =>
    request<void>(`/workspaces/${ws}/conversations/${id}/pin`, { method: 'PUT', body: { pinned } }),
  /** deleteConversation deletes a conversation (admins). */
  deleteConversation: (ws: string, id: string) =>
    request<void>(`/workspaces/${ws}/conversations/${id}`, { method: 'DELETE' }),
  markRead: (ws: string, id: string) =>
    request<void>(`/workspaces/${ws}/conversations/${id}/read`, { method: 'POST' }),
  messages: (ws: string, id: string, cursor?: string, signal?: AbortSignal) =>
    request<Page<Message>>(`/workspaces/${ws}/conversations/${id}/messages` + q({ cursor, limit: 50 }), {
      signal,
    }),
  send: (ws: string, id: string, content: string, isPrivate: boolean, attachmentIds: string[] = []) =>
    request<Message>(`/workspaces/${ws}/conversations/${id}/messages`, {
      method: 'POST',
      body: attachmentIds.length
        ? { content, private: isPrivate, attachment_ids: attachmentIds }
        : { content, private: isPrivate },
    }),
  /** upload stores a file to attach to a reply or note; its id goes in send's attachmentIds. */
  upload: (ws: string, file: File, signal?: AbortSignal) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return request<Attachment>(`/workspaces/${ws}/uploads`, { method: 'POST', form, signal });
  },
  /** deleteUpload removes an upload that was not sent. */
  deleteUpload: (ws: string, id: string) =>
    request<void>(`/workspaces/${ws}/uploads/${id}`, { method: 'DELETE' }),
  contact: (ws: string, id: string) => request<Contact>(`/workspaces/${ws}/contacts/${id}`),

  // Messages: templates (WhatsApp), retry and resend of failed replies.
  sendTemplate: (ws: string, id: string, body: { name: string; language: string; parameters: string[] }) =>
    request<Message>(`/workspaces/${ws}/conversations/${id}/messages/template`, { method: 'POST', body }),
  retryMessage: (ws: string, cid: string, mid: string) =>
    request<Message>(`/workspaces/${ws}/conversations/${cid}/messages/${mid}/retry`, { method: 'POST' }),
  resendMessage: (ws: string, cid: string, mid: string, inboxId: string) =>
    request<Resent>(`/workspaces/${ws}/conversations/${cid}/messages/${mid}/resend`, {
      method: 'POST',
      body: { inbox_id: inboxId },
    }),

  // Inboxes (channels). Creating, changing, deleting and testing are for admins.
  channelSpecs: () => request<ChannelSpecs>('/channels'),
  inboxes: (ws: string) => request<Page<Inbox>>(`/workspaces/${ws}/inboxes`),
  inbox: (ws: string, id: string) => request<Inbox>(`/workspaces/${ws}/inboxes/${id}`),
  createInbox: (ws: string, body: InboxInput) => request<Inbox>(`/workspaces/${ws}/inboxes`, { method: 'POST', body }),
  updateInbox: (ws: string, id: string, body: InboxInput) =>
    request<Inbox>(`/workspaces/${ws}/inboxes/${id}`, { method: 'PATCH', body }),
  deleteInbox: (ws: string, id: string) => request<void>(`/workspaces/${ws}/inboxes/${id}`, { method: 'DELETE' }),
  inboxHealth: (ws: string, id: string, signal?: AbortSignal) =>
    request<ChannelHealth>(`/workspaces/${ws}/inboxes/${id}/health`, { signal }),
  testInbox: (ws: string, id: string) => request<ChannelTest>(`/workspaces/${ws}/inboxes/${id}/test`, { method: 'POST' }),
  templates: (ws: string, inboxId: string) => request<TemplateList>(`/workspaces/${ws}/inboxes/${inboxId}/templates`),
  refreshTemplates: (ws: string, inboxId: string) =>
    request<TemplateList>(`/workspaces/${ws}/inboxes/${inboxId}/templates/refresh`, { method: 'POST' }),
};

/** attachmentURL is where a message's file is served (the session cookie authenticates it). */
export function attachmentURL(ws: string, m: { id: string; conversation_id: string }, a: { id: string }): string {
  const e = encodeURIComponent;
  return `/api/v1/workspaces/${e(ws)}/conversations/${e(m.conversation_id)}/messages/${e(m.id)}/attachments/${e(a.id)}`;
}
