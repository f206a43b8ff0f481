// The REST calls of the working day (issue 12): accept, transfer, agents'
// load, resolve with a reason, reopen, merge, payment requests, drafts,
// new chat, the audit log and the lifecycle settings.
import { request } from '../../api';
import type { Availability, Conversation, Message, Page } from '../../types';

export interface AgentLoad {
  user_id: string;
  name: string;
  role: string;
  availability: Availability;
  capacity: number;
  load: number;
  /** "3 / 5", or "3" when capacity is unlimited. */
  load_label: string;
  connected: boolean;
  last_seen_at?: string | null;
}

export interface PaymentRequest {
  id: string;
  conversation_id: string;
  amount: number;
  currency: string;
  description: string;
  status: 'unpaid' | 'paid' | 'cancelled';
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface Draft {
  conversation_id: string;
  content: string;
  updated_at: string;
}

export interface AuditEntry {
  id: string;
  actor_id: string;
  action: string;
  object_type: string;
  object_id: string;
  data?: unknown;
  created_at: string;
}

export interface LifecycleSettings {
  auto_resolve_hours: number;
  abandon_minutes: number;
  closing_phrases_enabled: boolean;
  closing_phrases: string[] | null;
  close_reasons: string[] | null;
  purge_days: number;
  /** Seconds a new customer may wait for a first reply before the waiting notification; 0 = off. */
  first_response_seconds?: number;
  /** What a customer message to a resolved conversation does: a new linked conversation (default) or reopen it. */
  resolved_reply?: 'new_conversation' | 'reopen';
}

export type RoutingPolicy = 'manual' | 'round_robin' | 'least_busy';

const w = (ws: string) => `/workspaces/${encodeURIComponent(ws)}`;
const c = (ws: string, cid: string) => `${w(ws)}/conversations/${encodeURIComponent(cid)}`;

export const workdayApi = {
  accept: (ws: string, cid: string) => request<Conversation>(`${c(ws, cid)}/accept`, { method: 'POST' }),
  transfer: (ws: string, cid: string, body: { user_id?: string; team_id?: string; note?: string }) =>
    request<Conversation>(`${c(ws, cid)}/transfer`, { method: 'POST', body }),
  agents: (ws: string) => request<{ items: AgentLoad[] | null }>(`${w(ws)}/agents`),
  resolve: (ws: string, cid: string, body: { resolution_note?: string; close_reason?: string }) =>
    request<Conversation>(c(ws, cid), { method: 'PATCH', body: { status: 'resolved', ...body } }),
  reopen: (ws: string, cid: string) => request<Conversation>(`${c(ws, cid)}/reopen`, { method: 'POST' }),
  merge: (ws: string, cid: string, intoId: string) =>
    request<Conversation>(`${c(ws, cid)}/merge`, { method: 'POST', body: { into_id: intoId } }),
  restore: (ws: string, cid: string) => request<Conversation>(`${c(ws, cid)}/restore`, { method: 'POST' }),
  /** contactConversations lists recent conversations of every status (the caller keeps one contact's). */
  contactConversations: (ws: string) =>
    request<Page<Conversation>>(`${w(ws)}/conversations?status=queued,open,pending,snoozed,resolved,abandoned&limit=200`),

  payments: (ws: string, cid: string) => request<{ items: PaymentRequest[] | null }>(`${c(ws, cid)}/payment-requests`),
  createPayment: (ws: string, cid: string, body: { amount: number; currency: string; description: string }) =>
    request<PaymentRequest>(`${c(ws, cid)}/payment-requests`, { method: 'POST', body }),
  setPayment: (ws: string, cid: string, pid: string, status: 'paid' | 'cancelled') =>
    request<PaymentRequest>(`${c(ws, cid)}/payment-requests/${encodeURIComponent(pid)}`, { method: 'PATCH', body: { status } }),

  draft: (ws: string, cid: string) => request<Draft>(`${c(ws, cid)}/draft`),
  saveDraft: (ws: string, cid: string, content: string) =>
    request<Draft>(`${c(ws, cid)}/draft`, { method: 'PUT', body: { content } }),
  deleteDraft: (ws: string, cid: string) => request<void>(`${c(ws, cid)}/draft`, { method: 'DELETE' }),

  newChat: (ws: string, body: { contact_id: string; inbox_id: string; content: string; subject?: string }) =>
    request<Conversation>(`${w(ws)}/conversations`, { method: 'POST', body }),
  sendVia: (ws: string, cid: string, body: { content: string; private: boolean; inbox_id?: string; attachment_ids?: string[] }) =>
    request<Message>(`${c(ws, cid)}/messages`, { method: 'POST', body }),

  audit: (ws: string, cursor?: string) =>
    request<Page<AuditEntry>>(`${w(ws)}/audit?limit=50` + (cursor ? '&cursor=' + encodeURIComponent(cursor) : '')),
  lifecycle: (ws: string) => request<{ settings: { lifecycle?: LifecycleSettings } }>(w(ws)),
};
