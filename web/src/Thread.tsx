// The message thread: customer on the left, the team on the right, notes and
// system events marked. Older pages load as the agent scrolls up.
import { memo, useEffect, useId, useLayoutEffect, useRef, useState, type ReactNode, type MouseEvent as ReactMouseEvent } from 'react';
import { attachmentURL } from './api';
import { channelLabel, clockTime, dayKey, dayLabel, DELIVERY_LABELS, DELIVERY_NOTES, fileSize, fileType, fullTime } from './format';
import type { Attachment, Inbox, Member, Message } from './types';
import { Avatar, ChannelIcon, FileIcon } from './ui';
import { navigate } from './router';

function go(e: ReactMouseEvent, path: string) {
  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(path);
}
import { isParticipantsLine, MentionNames, ParticipantsLine } from './features/collab/ThreadLines';
import { EmailBody } from './features/email/EmailBody';
import { AIBadge, hasReasoning } from './features/ai/Reasoning';
import { FeedbackButtons } from './features/ai/Feedback';

/** MessageActions act on a failed reply: send it again, or through another inbox. */
export interface MessageActions {
  retry: (m: Message) => Promise<void>;
  /** resendTargets lists the other inboxes the contact can be reached on. */
  resendTargets: (m: Message) => Promise<Inbox[]>;
  resend: (m: Message, inbox: Inbox) => Promise<void>;
}

/** isFailed tells whether a message's delivery failed for good. */
export function isFailed(status: string): boolean {
  return status === 'failed' || status === 'undelivered' || status === 'bounced';
}

export interface MessageListProps {
  conversationKey: string;
  messages: Message[];
  loading: boolean;
  loadingOlder: boolean;
  hasOlder: boolean;
  error: string;
  onLoadOlder: () => void;
  members: Map<string, Member>;
  contactName: string;
  contactAvatar?: string;
  footer?: ReactNode;
  actions?: MessageActions;
  /** workspaceId builds the links of the messages' files. */
  workspaceId: string;
}

const NEAR_TOP = 300;
const NEAR_BOTTOM = 120;

export function MessageList(props: MessageListProps) {
  const { messages, conversationKey, hasOlder, loadingOlder, onLoadOlder } = props;
  const ref = useRef<HTMLDivElement>(null);
  const prev = useRef({ key: '', first: '', last: '', height: 0 });
  const atBottom = useRef(true);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const first = messages[0]?.id ?? '';
    const last = messages[messages.length - 1]?.id ?? '';
    const p = prev.current;
    if (p.key !== conversationKey || p.last === '') {
      el.scrollTop = el.scrollHeight;
      atBottom.current = true;
    } else if (first !== p.first && last === p.last) {
      // Older messages were put above: keep what the agent was reading in place.
      el.scrollTop += el.scrollHeight - p.height;
    } else if (last !== p.last && atBottom.current) {
      el.scrollTop = el.scrollHeight;
    }
    prev.current = { key: conversationKey, first, last, height: el.scrollHeight };
  }, [messages, conversationKey]);

  // A short first page does not scroll, so no scroll event would ask for more.
  useEffect(() => {
    const el = ref.current;
    if (!el || !hasOlder || loadingOlder || props.loading) return;
    if (el.scrollHeight <= el.clientHeight + NEAR_TOP && el.clientHeight > 0) onLoadOlder();
  }, [messages, hasOlder, loadingOlder, props.loading, onLoadOlder]);

  function onScroll() {
    const el = ref.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM;
    if (el.scrollTop < NEAR_TOP && hasOlder && !loadingOlder) onLoadOlder();
  }

  const items: ReactNode[] = [];
  let lastDay = '';
  const now = new Date();
  for (const m of messages) {
    const dk = dayKey(m.created_at);
    if (dk !== lastDay) {
      lastDay = dk;
      items.push(
        <li key={'day-' + dk} className="day-sep">
          <span>{dayLabel(m.created_at, now)}</span>
        </li>,
      );
    }
    items.push(
      <MessageItem
        key={m.id}
        m={m}
        member={m.sender?.id ? props.members.get(m.sender.id) : undefined}
        contactName={props.contactName}
        contactAvatar={props.contactAvatar}
        actions={props.actions}
        workspaceId={props.workspaceId}
      />,
    );
  }

  return (
    <div className="messages" ref={ref} onScroll={onScroll} tabIndex={0} aria-label="Messages" role="region">
      {hasOlder && (
        <div className="older">
          {loadingOlder ? (
            <span className="muted">Loading older messages…</span>
          ) : (
            <button type="button" className="btn btn-ghost btn-sm" onClick={onLoadOlder}>
              Load older messages
            </button>
          )}
        </div>
      )}
      {!hasOlder && !props.loading && messages.length > 0 && (
        <p className="thread-start muted">This is the start of the conversation.</p>
      )}
      {props.loading && messages.length === 0 && <p className="muted center pad">Loading messages…</p>}
      {props.error && (
        <p className="form-error center" role="alert">
          {props.error}
        </p>
      )}
      <ol className="message-list" aria-label="Conversation history">
        {items}
      </ol>
      {props.footer}
    </div>
  );
}

function senderName(m: Message, member: Member | undefined, contactName: string): string {
  if (m.sender?.name) return m.sender.name;
  if (member) return member.name;
  switch (m.sender?.kind) {
    case 'contact':
      return contactName;
    case 'ai':
      return 'AI agent';
    case 'bot':
      return 'Bot';
    case 'system':
      return 'System';
    default:
      return 'Agent';
  }
}

const MessageItem = memo(function MessageItem({
  m,
  member,
  contactName,
  contactAvatar,
  actions,
  workspaceId,
}: {
  m: Message;
  member?: Member;
  contactName: string;
  contactAvatar?: string;
  actions?: MessageActions;
  workspaceId: string;
}) {
  const kind = m.sender?.kind ?? (m.direction === 'in' ? 'contact' : 'agent');
  if (kind === 'system') {
    const sys = m.system;
    const linked = sys?.conversation_id && (sys.action === 'continues' || sys.action === 'continued_in' || sys.action === 'merged');
    return (
      <li className="msg-system" data-kind="system" data-action={sys?.action} data-message-id={m.id}>
        <span>
          {linked ? (
            <>
              {m.content.replace(/#\d+\.?$/, '')}
              <a href={'/conversations/' + encodeURIComponent(sys!.conversation_id!)} onClick={(e) => go(e, '/conversations/' + encodeURIComponent(sys!.conversation_id!))}>
                #{sys!.number}
              </a>
            </>
          ) : (
            m.content
          )}
        </span>
        {/* The line's text usually names the reason and the note already. */}
        {sys?.reason && !m.content.includes(sys.reason) && <span className="sys-reason"> · {sys.reason}</span>}
        {sys?.note && !m.content.includes(sys.note) && <q className="sys-note">{sys.note}</q>}{' '}
        {hasReasoning(m) && <AIBadge m={m} label="Why?" />}{' '}
        <time dateTime={m.created_at} title={fullTime(m.created_at)}>
          {clockTime(m.created_at)}
        </time>
      </li>
    );
  }
  if (isParticipantsLine(m)) return <ParticipantsLine m={m} />;
  const incoming = m.direction === 'in' || kind === 'contact';
  const name = senderName(m, member, contactName);
  const classes = ['msg', incoming ? 'msg-in' : 'msg-out', 'msg-' + kind];
  if (m.private) classes.push('msg-note');
  if (isFailed(m.status)) classes.push('msg-failed');
  const avatar = incoming ? (
    <Avatar name={name} url={contactAvatar} id={m.sender?.id || name} size={28} />
  ) : kind === 'ai' || kind === 'bot' ? (
    <span className={'avatar avatar-28 avatar-' + kind} aria-hidden="true">
      {kind === 'ai' ? 'AI' : 'B'}
    </span>
  ) : (
    <Avatar name={name} url={member?.avatar_url} id={m.sender?.id || name} size={28} />
  );
  return (
    <li className={classes.join(' ')} data-kind={kind} data-private={m.private ? 'true' : 'false'} data-message-id={m.id}>
      {incoming && avatar}
      <div className="msg-body">
        <div className="msg-meta">
          <span className="msg-author">{name}</span>
          {kind === 'ai' && <AIBadge m={m} />}
          {kind === 'bot' && <span className="tag tag-bot">Bot</span>}
          {m.private && <span className="tag tag-note">Internal note</span>}
          <time dateTime={m.created_at} title={fullTime(m.created_at)}>
            {clockTime(m.created_at)}
          </time>
          {!m.private && m.channel && <ChannelIcon channel={m.channel} />}
        </div>
        {!!m.attachments?.length && <Attachments m={m} workspaceId={workspaceId} />}
        {m.email && !m.private ? (
          <EmailBody m={m} workspaceId={workspaceId} />
        ) : (
          (m.content !== '' || !m.attachments?.length) && <div className="bubble">{m.content}</div>
        )}
        {m.private && <MentionNames m={m} />}
        {!incoming && !m.private && <Delivery m={m} actions={actions} />}
        {kind === 'ai' && !m.private && <FeedbackButtons ws={workspaceId} m={m} />}
      </div>
      {!incoming && avatar}
    </li>
  );
});

// Images the server serves inline (everything else is a download).
const INLINE_IMAGES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** Attachments shows a message's files: images as thumbnails that open full size, others as download cards. */
export function Attachments({ m, workspaceId }: { m: Message; workspaceId: string }) {
  const files = m.attachments ?? [];
  return (
    <ul className="attachments" aria-label={files.length === 1 ? 'Attachment' : `${files.length} attachments`}>
      {files.map((a) => (
        <li key={a.id}>
          <AttachmentView a={a} url={attachmentURL(workspaceId, m, a)} />
        </li>
      ))}
    </ul>
  );
}

function AttachmentView({ a, url }: { a: Attachment; url: string }) {
  // A thumbnail that cannot be shown (the file is gone, or not an image after all) becomes a card.
  const [broken, setBroken] = useState(false);
  const type = (a.content_type || '').split(';')[0].trim().toLowerCase();
  if (INLINE_IMAGES.has(type) && !broken) {
    return (
      <a className="att-image" href={url} target="_blank" rel="noopener noreferrer" title="Open full size in a new tab" data-testid="attachment-image">
        <img src={url} alt="" loading="lazy" decoding="async" onError={() => setBroken(true)} />
        <span className="att-caption">
          <span className="att-name">{a.file_name}</span>
          <span className="att-size">{fileSize(a.size)}</span>
        </span>
        <span className="sr-only"> (image, opens full size in a new tab)</span>
      </a>
    );
  }
  if (type.startsWith('audio/')) {
    // Played inline (voice messages first of all), with the file to download.
    return (
      <div className="att-audio" data-testid="attachment-audio" data-voice={a.voice ? 'true' : undefined}>
        <audio controls preload="metadata" src={url} aria-label={(a.voice ? 'Voice message ' : 'Audio ') + a.file_name} />
        <a className="att-name" href={url} download={a.file_name}>
          {a.voice ? 'Voice message' : a.file_name} · {fileSize(a.size)}
        </a>
      </div>
    );
  }
  return (
    <a className="att-file" href={url} download={a.file_name} data-testid="attachment-file">
      <FileIcon contentType={type} size={28} />
      <span className="att-file-text">
        <span className="att-name">{a.file_name}</span>
        <span className="att-size">
          {fileType(type)} · {fileSize(a.size)}
        </span>
      </span>
      <span className="att-download">Download</span>
    </a>
  );
}

/** Delivery shows a reply's delivery status, why it failed, its history and what can be done. */
export function Delivery({ m, actions }: { m: Message; actions?: MessageActions }) {
  const label = DELIVERY_LABELS[m.status] ?? m.status;
  if (!label) return null;
  const steps = m.status_history ?? [];
  const failed = isFailed(m.status);
  const history = steps
    .map((h) => `${DELIVERY_LABELS[h.status] ?? h.status} ${fullTime(h.at)}${h.error ? ' — ' + h.error : ''}`)
    .join('\n');
  return (
    <div className={'delivery delivery-' + m.status} title={failed ? undefined : history || undefined} data-status={m.status}>
      <span className="delivery-line">
        <span className="delivery-status">{label}</span>
        {failed && m.error && <span className="delivery-error">: {m.error}</span>}
        {DELIVERY_NOTES[m.status] && <span className="delivery-note-inline"> — {DELIVERY_NOTES[m.status].replace(/^[^—]*—\s*/, '')}</span>}
        <span className="sr-only"> via {channelLabel(m.channel)}</span>
      </span>
      {m.outcome_unknown && (
        <span className="delivery-note">The first attempt’s outcome is unknown: the customer may receive this twice.</span>
      )}
      {failed && actions && <FailedActions m={m} actions={actions} />}
      {failed && steps.length > 0 && (
        <details className="delivery-history">
          <summary>Delivery history</summary>
          <ol>
            {steps.map((h, i) => (
              <li key={i}>
                <span className="delivery-step">{DELIVERY_LABELS[h.status] ?? h.status}</span>{' '}
                <time dateTime={h.at}>{fullTime(h.at)}</time>
                {h.error && <span className="delivery-error"> — {h.error}</span>}
              </li>
            ))}
          </ol>
        </details>
      )}
    </div>
  );
}

function FailedActions({ m, actions }: { m: Message; actions: MessageActions }) {
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [choosing, setChoosing] = useState(false);
  const [targets, setTargets] = useState<Inbox[] | null>(null);
  const [target, setTarget] = useState('');
  const [done, setDone] = useState('');
  const select = useRef<HTMLSelectElement>(null);

  async function run(fn: () => Promise<void>) {
    setBusy(true);
    setError('');
    try {
      await fn();
    } catch (err) {
      setError((err as Error).message || 'That did not work.');
    } finally {
      setBusy(false);
    }
  }

  function openChooser() {
    setChoosing(true);
    setTargets(null);
    run(async () => {
      const list = await actions.resendTargets(m);
      setTargets(list);
      setTarget(list[0]?.id ?? '');
      setTimeout(() => select.current?.focus());
    });
  }

  if (done) {
    return (
      <span className="delivery-actions" role="status">
        {done}
      </span>
    );
  }
  return (
    <span className="delivery-actions">
      {!choosing ? (
        <>
          <button type="button" className="btn btn-xs" disabled={busy} onClick={() => run(() => actions.retry(m))}>
            Retry
          </button>
          <button type="button" className="btn btn-xs" disabled={busy} onClick={openChooser}>
            Resend via…
          </button>
        </>
      ) : (
        <span className="resend" role="group" aria-label="Resend through another inbox">
          {targets === null ? (
            <span className="muted">Finding the customer’s other inboxes…</span>
          ) : targets.length === 0 ? (
            <span className="muted">The customer cannot be reached through another inbox.</span>
          ) : (
            <>
              <label htmlFor={id} className="sr-only">
                Resend through
              </label>
              <select id={id} ref={select} value={target} onChange={(e) => setTarget(e.target.value)}>
                {targets.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name} ({channelLabel(t.channel)})
                  </option>
                ))}
              </select>
              <button
                type="button"
                className="btn btn-xs btn-primary"
                disabled={busy || !target}
                onClick={() =>
                  run(async () => {
                    const t = targets.find((x) => x.id === target);
                    if (!t) return;
                    await actions.resend(m, t);
                    setDone(`Resent via ${t.name}.`);
                  })
                }
              >
                Resend
              </button>
            </>
          )}
          <button type="button" className="btn btn-xs btn-ghost" onClick={() => setChoosing(false)} disabled={busy}>
            Cancel
          </button>
        </span>
      )}
      {error && (
        <span className="form-error delivery-action-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
