// Events the teamwork screens care about (internal chats, tasks),
// handed over by the inbox's one WebSocket client. Notifications (mentions
// included) go to the bell: features/notifications.
import { useEffect, useRef } from 'react';

export interface CollabEvent {
  type: string;
  data?: unknown;
}

type Listener = (e: CollabEvent) => void;
const listeners = new Set<Listener>();

/** emitCollab passes the server's events to the teamwork screens. */
export function emitCollab(events: CollabEvent[]) {
  for (const e of events) {
    if (e.type.startsWith('internal_chat.') || e.type.startsWith('task.')) {
      for (const l of listeners) l(e);
    }
  }
}

/** useCollabEvents calls fn with each teamwork event while mounted. */
export function useCollabEvents(fn: Listener) {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    const l: Listener = (e) => ref.current(e);
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, []);
}
