// The teamwork endpoints (issue 15): canned replies, rendering, mentions,
// participants, internal chats. Thin wrappers over the shared request().
import { request } from '../../api';
import type { Attachment, Conversation, Message, Page } from '../../types';

export interface CannedReply {
  id: string;
  short_code: string;
  title: string;
  category: string;
  body: string;
  shared: boolean;
}

export interface Rendered {
  content: string;
  missing: string[];
}

export interface Mention {
  id: string;
  name: string;
}

/** A message with the mentions the server keeps on notes. */
export type NoteMessage = Message & { mention_ids?: string[] | null; mentions?: Mention[] | null };

export interface Participant {
  user_id: string;
  name: string;
  conversation_id: string;
}

export interface InternalMessage {
  id: string;
  chat_id: string;
  sender_id: string;
  sender_name: string;
  content: string;
  attachments?: Attachment[] | null;
  created_at: string;
}

export interface InternalChat {
  id: string;
  member_ids: string[];
  with: Mention;
  unread_count: number;
  last_message: InternalMessage | null;
  last_message_at: string;
}

const w = (ws: string) => `/workspaces/${ws}`;

export const collabApi = {
  canned: (ws: string) => request<Page<CannedReply>>(`${w(ws)}/canned-replies`),
  render: (ws: string, cid: string, template: string) =>
    request<Rendered>(`${w(ws)}/conversations/${cid}/render`, { method: 'POST', body: { template } }),
  variables: (ws: string, cid: string) => request<Page<{ name: string; value: string }>>(`${w(ws)}/conversations/${cid}/variables`),
  sendNote: (ws: string, cid: string, content: string, attachmentIds: string[], mentionIds: string[]) =>
    request<NoteMessage>(`${w(ws)}/conversations/${cid}/messages`, {
      method: 'POST',
      body: { content, private: true, attachment_ids: attachmentIds.length ? attachmentIds : undefined, mention_ids: mentionIds },
    }),
  addParticipants: (ws: string, cid: string, userIds: string[], comment: string) =>
    request<{ participants: Participant[]; message: NoteMessage | null }>(`${w(ws)}/conversations/${cid}/participants`, {
      method: 'POST',
      body: { user_ids: userIds, comment },
    }),
  participating: (ws: string) => request<Page<Conversation>>(`${w(ws)}/conversations/participating`),
  chats: (ws: string) => request<Page<InternalChat>>(`${w(ws)}/internal-chats`),
  openChat: (ws: string, userId: string) => request<InternalChat>(`${w(ws)}/internal-chats`, { method: 'POST', body: { user_id: userId } }),
  chatMessages: (ws: string, chatId: string) => request<Page<InternalMessage>>(`${w(ws)}/internal-chats/${chatId}/messages`),
  sendChat: (ws: string, chatId: string, content: string, attachmentIds: string[] = []) =>
    request<InternalMessage>(`${w(ws)}/internal-chats/${chatId}/messages`, {
      method: 'POST',
      body: { content, attachment_ids: attachmentIds.length ? attachmentIds : undefined },
    }),
  readChat: (ws: string, chatId: string) => request<void>(`${w(ws)}/internal-chats/${chatId}/read`, { method: 'POST' }),
};

export function chatAttachmentURL(ws: string, m: InternalMessage, a: Attachment): string {
  return `/api/v1/workspaces/${ws}/internal-chats/${m.chat_id}/messages/${m.id}/attachments/${a.id}`;
}
