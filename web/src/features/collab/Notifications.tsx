// Live notifications of mentions and of being added to a conversation
// (notification.created), shown as toasts that open the conversation.
import { useState } from 'react';
import { navigate } from '../../router';
import type { Notification } from './api';
import { useCollabEvents } from './bus';

export function notificationText(n: Notification): string {
  const who = n.actor?.name || 'A colleague';
  const where = `#${n.conversation_number}`;
  const what = n.kind === 'participant' ? `added you to ${where}` : `mentioned you in ${where}`;
  return n.text ? `${who} ${what}: ${n.text}` : `${who} ${what}`;
}

export function NotificationToasts() {
  const [items, setItems] = useState<Notification[]>([]);
  useCollabEvents((e) => {
    if (e.type !== 'notification.created') return;
    const n = e.data as Notification;
    if (!n?.id) return;
    setItems((l) => (l.some((x) => x.id === n.id) ? l : [...l, n].slice(-5)));
  });
  if (items.length === 0) return null;
  const dismiss = (id: string) => setItems((l) => l.filter((x) => x.id !== id));
  return (
    <div className="toasts" role="log" aria-label="Notifications" aria-live="polite">
      {items.map((n) => (
        <div key={n.id} className="toast" data-testid="notification">
          <button
            type="button"
            className="toast-open"
            onClick={() => {
              dismiss(n.id);
              navigate('/conversations/' + n.conversation_id);
            }}
          >
            {notificationText(n)}
          </button>
          <button type="button" className="btn btn-ghost btn-sm" aria-label="Dismiss" onClick={() => dismiss(n.id)}>
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
