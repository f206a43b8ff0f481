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

export interface Member extends User {
  role: 'admin' | 'agent' | string;
  availability: Availability;
  capacity?: number;
  team_ids?: string[] | null;
}

export interface Team {
  id: string;
  name: string;
  member_ids?: string[] | null;
}

export interface LastMessage {
  content: string;
  direction: 'in' | 'out';
  sender_kind: SenderKind;
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
}

export interface StatusStep {
  status: string;
  at: string;
  error?: string;
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
  attachments?: unknown[] | null;
  created_at: string;
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
