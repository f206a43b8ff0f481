// What the open conversation's reply goes through: the contact's inboxes it
// may be sent on, and the reply's draft kept on the server.
import { useEffect, useMemo, useState, type Dispatch, type SetStateAction } from 'react';
import { api } from '../../api';
import type { Inbox } from '../../types';
import { workdayApi } from '../workday/api';
import type { ListState } from './events';

/** useReplyInboxes answers the contact's inboxes (identities) a reply may go through. */
export function useReplyInboxes(ws: string, contactId: string): Inbox[] {
  const [replyInboxes, setReplyInboxes] = useState<Inbox[]>([]);
  useEffect(() => {
    setReplyInboxes([]);
    if (!contactId) return;
    let live = true;
    Promise.all([api.inboxes(ws), api.contact(ws, contactId)]).then(
      ([ib, ct]) => {
        if (!live) return;
        const ids = new Set((ct.identities ?? []).map((x) => x.inbox_id));
        setReplyInboxes((ib.items ?? []).filter((i) => ids.has(i.id)));
      },
      () => {},
    );
    return () => {
      live = false;
    };
  }, [ws, contactId]);
  return replyInboxes;
}

/** useServerDraft keeps the open conversation's reply on the server and marks the row's draft pencil. */
export function useServerDraft(ws: string, conversationId: string | null, setList: Dispatch<SetStateAction<ListState>>) {
  return useMemo(() => {
    if (!conversationId) return undefined;
    const id = conversationId;
    const mark = (has: boolean) =>
      setList((l) => ({ ...l, items: l.items.map((c) => (c.id === id && !!c.has_draft !== has ? { ...c, has_draft: has } : c)) }));
    return {
      load: () =>
        workdayApi.draft(ws, id).then(
          (d) => d?.content ?? '',
          (err) => {
            if ((err as { status?: number }).status === 404) return '';
            throw err;
          },
        ),
      save: (content: string) => {
        mark(!!content.trim());
        const p = content.trim() ? workdayApi.saveDraft(ws, id, content) : workdayApi.deleteDraft(ws, id);
        p.catch(() => {});
      },
    };
  }, [ws, conversationId, setList]);
}
