// The notification endpoints (GET /notifications, read, read-all,
// preferences, push subscriptions).
import { request } from '../../api';

export type NotificationType =
  | 'new_conversation'
  | 'new_message'
  | 'assigned'
  | 'mention'
  | 'handoff'
  | 'waiting'
  | 'channel_failing'
  | 'suggestion';

export const NOTIFICATION_TYPES: { type: NotificationType; label: string }[] = [
  { type: 'new_conversation', label: 'New conversation in my queue' },
  { type: 'new_message', label: 'New customer message (my conversations)' },
  { type: 'assigned', label: 'Assigned or transferred to me' },
  { type: 'mention', label: '@mention' },
  { type: 'handoff', label: 'Handoff requested by the AI' },
  { type: 'waiting', label: 'Waiting longer than the target' },
  { type: 'channel_failing', label: 'A channel is failing (admins)' },
  { type: 'suggestion', label: 'Suggestion ready for review' },
];

export interface AppNotification {
  id: string;
  workspace_id?: string;
  type: NotificationType;
  conversation_id: string;
  message_id: string;
  inbox_id?: string;
  actor: { kind: string; id?: string; name: string };
  text: string;
  created_at: string;
  read_at: string | null;
  /** sound is set on live events: play one (preferences and quiet hours allow it). */
  sound?: boolean;
}

export interface NotificationPage {
  items: AppNotification[];
  next_cursor: string;
  unread: number;
}

export interface Channels {
  in_app: boolean;
  push: boolean;
  email: boolean;
  sound: boolean;
}

export interface QuietWindow {
  start: string;
  end: string;
  days: number[];
}

export interface Preferences {
  scope: 'all' | 'assigned' | 'mentions';
  types: Record<NotificationType, Channels>;
  time_zone: string;
  quiet_hours: QuietWindow[];
  email_delay_minutes: number;
}

const ws = (id: string) => '?workspace_id=' + encodeURIComponent(id);

export const notificationsApi = {
  list: (workspaceId: string, cursor = '') =>
    request<NotificationPage>('/notifications' + ws(workspaceId) + (cursor ? '&cursor=' + encodeURIComponent(cursor) : '')),
  read: (id: string) => request<AppNotification>('/notifications/' + encodeURIComponent(id) + '/read', { method: 'POST' }),
  readAll: (workspaceId: string) => request<{ marked: number }>('/notifications/read-all' + ws(workspaceId), { method: 'POST' }),
  preferences: (workspaceId: string) => request<Preferences>('/me/notification-preferences' + ws(workspaceId)),
  savePreferences: (workspaceId: string, p: Preferences) =>
    request<Preferences>('/me/notification-preferences' + ws(workspaceId), { method: 'PUT', body: p }),
  pushKey: () => request<{ public_key: string }>('/push/public-key'),
  subscribe: (sub: PushSubscriptionJSON) => request<unknown>('/me/push-subscriptions', { method: 'POST', body: sub }),
  unsubscribe: (endpoint: string) => request<void>('/me/push-subscriptions', { method: 'DELETE', body: { endpoint } }),
};
