// Types of the REST contract (base /api/v1). Only the fields the app reads
// are required; the server may send more.

export type Status = 'queued' | 'open' | 'pending' | 'snoozed' | 'resolved' | 'abandoned';
export const STATUSES: Status[] = ['queued', 'open', 'pending', 'snoozed', 'resolved', 'abandoned'];
/** The statuses shown by default: every conversation that is not finished. */
export const DEFAULT_STATUSES: Status[] = ['queued', 'open', 'pending', 'snoozed'];

export type View = 'all' | 'mine' | 'unassigned';
export type AIMode = 'active' | 'paused' | 'manual';
export type Availability = 'online' | 'busy' | 'offline';
export type SenderKind = 'contact' | 'agent' | 'ai' | 'bot' | 'system';

export interface User {
  id: string;
  name: string;
  email: string;
  avatar_url?: string;
}

export interface WorkspaceRef {
  id: string;
  name: string;
  role: 'admin' | 'agent' | string;
}

export interface Me {
  user: User;
  workspaces: WorkspaceRef[];
}

export type Priority = 'none' | 'low' | 'medium' | 'high' | 'urgent';
export const PRIORITIES: Priority[] = ['none', 'low', 'medium', 'high', 'urgent'];

export interface Member extends User {
  role: 'admin' | 'agent' | string;
  availability: Availability;
  capacity?: number;
  team_ids?: string[] | null;
  /** Connected now (a live socket on any node), when the server says. */
  connected?: boolean;
}

export interface Team {
  id: string;
  name: string;
  member_ids?: string[] | null;
  routing_policy?: 'manual' | 'round_robin' | 'least_busy';
}

export interface LastMessage {
  content: string;
  direction: 'in' | 'out';
  sender_kind: SenderKind;
  /** Who wrote it (agents): the list says "You" to them and their name to others. */
  sender_id?: string;
  sender_name?: string;
  channel: string;
  private: boolean;
  created_at: string;
}

export interface Conversation {
  id: string;
  number: number;
  status: Status;
  snoozed_until?: string | null;
  priority?: string;
  contact: { id: string; name: string; avatar_url?: string };
  contact_id: string;
  inbox: { id: string; name: string; channel: string };
  inbox_id: string;
  assignee_ids: string[] | null;
  team_id?: string | null;
  /** null: everyone who may see the workspace's conversations; a list: only those users (and admins). */
  visible_to?: string[] | null;
  ai_mode: AIMode;
  tags?: string[] | null;
  labels?: string[] | null;
  subject?: string;
  unread_count: number;
  unreplied_count?: number;
  pinned?: boolean;
  last_activity_at: string;
  created_at: string;
  last_message: LastMessage | null;
  queued_at?: string | null;
  last_inbound_at?: string | null;
  resolution_note?: string;
  close_reason?: string;
  merged_into_id?: string | null;
  previous_conversation_id?: string | null;
  /** You hold a draft here (list items). */
  has_draft?: boolean;
  /** has_constructor_draft: you keep an unsent constructor message here (the indicator by the name). */
  has_constructor_draft?: boolean;
}

export interface Contact {
  id: string;
  name: string;
  email?: string;
  phone?: string;
  company?: string;
  title?: string;
  avatar_url?: string;
  tags?: string[] | null;
  blocked?: boolean;
  identities?: { inbox_id: string; source_id: string }[] | null;
}

export interface StatusStep {
  status: string;
  at: string;
  error?: string;
}

/** A file a message carries, or an upload waiting to be sent (POST …/uploads answers one). */
export interface Attachment {
  id: string;
  file_name: string;
  content_type: string;
  size: number;
  /** voice marks a voice message recorded in the app. */
  voice?: boolean;
}

export interface Message {
  id: string;
  conversation_id: string;
  inbox_id?: string;
  direction: 'in' | 'out';
  sender: { kind: SenderKind; id?: string; name?: string };
  private: boolean;
  content: string;
  content_type?: string;
  channel: string;
  status: string;
  status_history?: StatusStep[] | null;
  error?: string;
  outcome_unknown?: boolean;
  attachments?: Attachment[] | null;
  /** What a system line records (sender kind system). */
  system?: SystemEvent | null;
  /** Email details, on messages of email inboxes. */
  email?: EmailInfo | null;
  created_at: string;
}

/** EmailInfo is what an email carries beyond its text (sanitized by the server). */
export interface EmailInfo {
  message_id: string;
  subject: string;
  from?: string;
  html?: string;
  quote_at?: number;
  in_reply_to?: string;
  references?: string[] | null;
  auto_reply?: boolean;
  auth?: { spf: string; dkim: string; dmarc: string; policy?: string; suspicious: boolean } | null;
  cids?: Record<string, string> | null;
}

export interface SystemEvent {
  action: string;
  actor?: { id: string; name: string } | null;
  subject?: { id: string; name: string } | null;
  from?: { id: string; name: string } | null;
  team?: { id: string; name: string } | null;
  status?: string;
  note?: string;
  reason?: string;
  conversation_id?: string;
  number?: number;
  payment_request_id?: string;
  payment_status?: string;
}

export interface Page<T> {
  items: T[] | null;
  next_cursor: string;
}

export interface Counts {
  all: number;
  mine: number;
  unassigned: number;
}

export interface Problem {
  title?: string;
  status?: number;
  detail?: string;
  errors?: { location?: string; message?: string }[];
}

/** A presence signal from a colleague (typing or viewing). */
export interface Presence {
  type: 'typing' | 'viewing';
  data: { conversation_id: string; user: { id: string; name: string }; state: 'on' | 'off' };
}

export interface ServerEvent {
  seq?: number;
  type: string;
  workspace_id?: string;
  data?: unknown;
}

/** The inbox kinds that can be created. */
export type ChannelKind = 'api' | 'twilio_sms' | 'whatsapp' | 'messenger' | 'telegram' | 'email' | 'webchat';

/** An inbox as the server shows it: secrets are never returned. */
export interface Inbox {
  id: string;
  workspace_id?: string;
  name: string;
  channel: ChannelKind | string;
  config: Record<string, string> | null;
  team_id?: string;
  fallback_inbox_id?: string;
  /** API inboxes, to admins only. */
  inbound_token?: string;
  callback_secret?: string;
  created_at: string;
}

export interface InboxInput {
  name?: string;
  channel?: string;
  config?: Record<string, string>;
  team_id?: string | null;
  fallback_inbox_id?: string | null;
}

/** ChannelHealth is an inbox's recent traffic and failures; null times: never. */
export interface ChannelHealth {
  inbox_id: string;
  last_inbound_at: string | null;
  last_sent_at: string | null;
  last_error: string;
  last_error_at: string | null;
  failing_since: string | null;
  consecutive_failures: number;
  alerted_at: string | null;
  rejected_signature: number;
  rejected_malformed: number;
  last_rejected_at: string | null;
  last_rejection: string;
}

/** ChannelTest is the outcome of "Test connection". */
export interface ChannelTest {
  ok: boolean;
  status: number;
  error?: string;
  latency_ms: number;
  checked_at: string;
}

export interface Template {
  name: string;
  language: string;
  status: string;
  category: string;
  body: string;
  variables: number;
}

export interface TemplateList {
  items: Template[] | null;
  fetched_at: string;
}

export interface Resent {
  message: Message;
  resend_of: string;
}
