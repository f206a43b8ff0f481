// The open conversation's messages: the newest page, older pages on demand.
import { useCallback, useRef, useState } from 'react';
import { api } from '../../api';
import { mergeMessages } from '../../model';
import { emptyThread, type ThreadState } from './events';

export function useThread(ws: string) {
  const [thread, setThread] = useState<ThreadState>(emptyThread);
  const threadRef = useRef(thread);
  threadRef.current = thread;

  /** loadThread loads the newest page; keep merges it into the messages already loaded (after a reconnect). */
  const loadThread = useCallback(
    async (id: string, keep: boolean) => {
      setThread((t) =>
        keep && t.conversationId === id
          ? { ...t, loading: true, error: '' }
          : { conversationId: id, messages: [], cursor: '', loading: true, loadingOlder: false, error: '' },
      );
      try {
        const page = await api.messages(ws, id);
        setThread((t) =>
          t.conversationId !== id
            ? t
            : {
                ...t,
                messages: mergeMessages(t.messages, page.items ?? []),
                // Keep paging from the oldest page already loaded.
                cursor: keep && t.messages.length > (page.items?.length ?? 0) ? t.cursor : (page.next_cursor ?? ''),
                loading: false,
              },
        );
      } catch (err) {
        setThread((t) => (t.conversationId !== id ? t : { ...t, loading: false, error: (err as Error).message }));
      }
    },
    [ws],
  );

  const loadOlder = useCallback(async () => {
    const t = threadRef.current;
    if (!t.cursor || t.loadingOlder || t.loading) return;
    const id = t.conversationId;
    setThread((x) => ({ ...x, loadingOlder: true }));
    try {
      const page = await api.messages(ws, id, t.cursor);
      setThread((x) =>
        x.conversationId !== id
          ? x
          : { ...x, messages: mergeMessages(x.messages, page.items ?? []), cursor: page.next_cursor ?? '', loadingOlder: false },
      );
    } catch (err) {
      setThread((x) => (x.conversationId !== id ? x : { ...x, loadingOlder: false, error: (err as Error).message }));
    }
  }, [ws]);

  return { thread, setThread, loadThread, loadOlder };
}
