// New chat on WhatsApp outside the 24-hour window: only an approved
// template may write first. useTemplateOnly reads when the contact last
// wrote on the chosen inbox (their conversations there) and applies the
// channel's window as the composer does; NewChatTemplate is the template
// picker (variables, preview) that starts the conversation with it.
import { useEffect, useState } from 'react';
import { request } from '../../api';
import { replyWindow } from '../../channels';
import { TemplatePicker } from '../../Templates';
import type { Conversation, Inbox, Page } from '../../types';

interface ContactConversationWindow {
  inbox_id: string;
  last_inbound_at?: string | null;
}

/** lastInbound is the contact's newest message time on an inbox, or null when they never wrote there. */
export function lastInbound(list: ContactConversationWindow[], inboxId: string): number | null {
  let best: number | null = null;
  for (const c of list) {
    if (c.inbox_id !== inboxId || !c.last_inbound_at) continue;
    const t = Date.parse(c.last_inbound_at);
    if (!isNaN(t) && (best === null || t > best)) best = t;
  }
  return best;
}

export function useTemplateOnly(ws: string, contactId: string | undefined, inbox: Inbox | undefined): boolean {
  const [last, setLast] = useState<number | null | undefined>(undefined);
  // When the answer came: the window is judged at that moment.
  const [now, setNow] = useState(0);
  const inboxId = inbox?.id;
  const channel = inbox?.channel ?? '';
  useEffect(() => {
    let live = true;
    setLast(undefined);
    if (!contactId || !inboxId || channel !== 'whatsapp') return;
    request<Page<ContactConversationWindow>>(`/workspaces/${encodeURIComponent(ws)}/contacts/${encodeURIComponent(contactId)}/conversations`).then(
      (p) => {
        if (!live) return;
        setNow(Date.now());
        setLast(lastInbound(p.items ?? [], inboxId));
      },
      () => {
        if (!live) return;
        setNow(Date.now());
        setLast(null); // unknown: the server still refuses free text with a 422
      },
    );
    return () => {
      live = false;
    };
  }, [ws, contactId, inboxId, channel]);
  if (channel !== 'whatsapp' || last === undefined) return false;
  return replyWindow(channel, last, now).kind === 'template_only';
}

export function NewChatTemplate({
  ws,
  contactId,
  inboxId,
  onDone,
}: {
  ws: string;
  contactId: string;
  inboxId: string;
  onDone: (c: Conversation) => void;
}) {
  return (
    <div className="newchat-template">
      <p className="muted small" role="note">
        The customer has not written on WhatsApp in the last 24 hours: start with an approved template.
      </p>
      <TemplatePicker
        inboxId={inboxId}
        onSend={async (t) => {
          const c = await request<Conversation>(`/workspaces/${encodeURIComponent(ws)}/conversations`, {
            method: 'POST',
            body: { contact_id: contactId, inbox_id: inboxId, template: t },
          });
          onDone(c);
        }}
      />
    </div>
  );
}
