// The composer: a reply to the customer or a private note. Ctrl+Enter sends;
// Enter inserts a newline unless the "Enter sends" setting is on. Drafts are
// kept per conversation while the agent moves between conversations. On
// WhatsApp and Messenger the provider's reply window is shown; outside
// WhatsApp's 24 hours the composer offers the template picker instead.
import { useEffect, useImperativeHandle, useRef, useState, type Ref } from 'react';
import { duration, needsTemplate, replyWindow, type ReplyWindow } from './channels';
import { fullTime } from './format';
import { TemplatePicker } from './Templates';

export type ComposerMode = 'reply' | 'note' | 'template';

interface Draft {
  reply: string;
  note: string;
  mode: ComposerMode;
}

const drafts = new Map<string, Draft>();

/** clearDrafts forgets every draft (sign-out, tests). */
export function clearDrafts() {
  drafts.clear();
}

const ENTER_SENDS_KEY = 'parley.enterSends';

export function readEnterSends(): boolean {
  try {
    return window.localStorage.getItem(ENTER_SENDS_KEY) === '1';
  } catch {
    return false;
  }
}

export function writeEnterSends(v: boolean) {
  try {
    window.localStorage.setItem(ENTER_SENDS_KEY, v ? '1' : '0');
  } catch {
    // Private mode: the setting lasts for this page only.
  }
}

export interface ComposerHandle {
  focus: (mode?: ComposerMode) => void;
}

export interface ComposerProps {
  conversationId: string;
  channelName: string;
  onSend: (content: string, isPrivate: boolean) => Promise<void>;
  /** onTyping reports typing on/off (for colleagues' "is typing"). */
  onTyping?: (state: 'on' | 'off') => void;
  disabled?: boolean;
  handle?: Ref<ComposerHandle>;
  /** channel is the conversation's inbox kind (whatsapp, messenger, …). */
  channel?: string;
  inboxId?: string;
  /** lastInboundAt is when the customer last wrote on the inbox (ms), null never, undefined not known. */
  lastInboundAt?: number | null;
  onSendTemplate?: (t: { name: string; language: string; parameters: string[] }) => Promise<void>;
}

const TYPING_IDLE_MS = 3000;
const TYPING_REFRESH_MS = 4000;

export function Composer({
  conversationId,
  channelName,
  onSend,
  onTyping,
  disabled,
  handle,
  channel = '',
  inboxId = '',
  lastInboundAt,
  onSendTemplate,
}: ComposerProps) {
  const templates = channel === 'whatsapp' && !!onSendTemplate && !!inboxId;
  const [draft, setDraft] = useState<Draft>(() => {
    const d = drafts.get(conversationId) ?? { reply: '', note: '', mode: 'reply' as ComposerMode };
    return d.mode === 'template' && !templates ? { ...d, mode: 'reply' } : d;
  });
  const [enterSends, setEnterSends] = useState(readEnterSends);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState('');
  // A refusal that names the template requirement, kept in view while the picker is open.
  const [refusal, setRefusal] = useState('');
  const [now, setNow] = useState(() => Date.now());
  const win = replyWindow(channel, lastInboundAt, now);
  const hasWindow = win.kind !== 'none';

  // The window closes as time passes: look again every 30 s.
  useEffect(() => {
    if (!hasWindow) return;
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, [hasWindow]);

  // Outside WhatsApp's window only templates go out: switch to the picker.
  // When the customer writes again the window reopens: back to the reply
  // box, if it was the closed window that switched to the picker.
  const closedForText = win.kind === 'template_only';
  const autoSwitched = useRef(false);
  useEffect(() => {
    if (!templates) return;
    if (closedForText) {
      setDraft((d) => {
        if (d.mode !== 'reply') return d;
        autoSwitched.current = true;
        return { ...d, mode: 'template' };
      });
    } else if (win.kind === 'open' && autoSwitched.current) {
      autoSwitched.current = false;
      setDraft((d) => (d.mode === 'template' ? { ...d, mode: 'reply' } : d));
    }
  }, [closedForText, templates, win.kind]);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const typingOn = useRef(0); // when "on" was last sent; 0 when off
  const idleTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const onTypingRef = useRef(onTyping);
  onTypingRef.current = onTyping;

  const stopTyping = () => {
    if (idleTimer.current) clearTimeout(idleTimer.current);
    idleTimer.current = null;
    if (typingOn.current) {
      typingOn.current = 0;
      onTypingRef.current?.('off');
    }
  };

  // The composer is keyed by conversation: stop typing when leaving it.
  useEffect(() => () => stopTyping(), []);

  useEffect(() => {
    drafts.set(conversationId, draft);
  }, [conversationId, draft]);

  // The textarea is not there while the template picker is shown: focus it once it is.
  const focusText = () => {
    if (textarea.current) textarea.current.focus();
    else setTimeout(() => textarea.current?.focus());
  };

  useImperativeHandle(handle, () => ({
    focus: (mode?: ComposerMode) => {
      if (mode) setDraft((d) => ({ ...d, mode }));
      focusText();
    },
  }));

  const text = draft.mode === 'note' ? draft.note : draft.reply;
  const isNote = draft.mode === 'note';
  const isTemplate = draft.mode === 'template' && templates;
  // Free-form replies the provider would refuse are not offered.
  const replyBlocked = !isNote && (win.kind === 'template_only' || win.kind === 'closed');

  function setText(v: string) {
    setDraft((d) => (d.mode === 'note' ? { ...d, note: v } : { ...d, reply: v }));
    if (!onTypingRef.current) return;
    if (v.trim() === '') {
      stopTyping();
      return;
    }
    const now = Date.now();
    if (!typingOn.current || now - typingOn.current > TYPING_REFRESH_MS) {
      typingOn.current = now;
      onTypingRef.current('on');
    }
    if (idleTimer.current) clearTimeout(idleTimer.current);
    idleTimer.current = setTimeout(stopTyping, TYPING_IDLE_MS);
  }

  async function send() {
    const content = text.trim();
    if (isTemplate || !content || sending || disabled || replyBlocked) return;
    setSending(true);
    setError('');
    setRefusal('');
    stopTyping();
    try {
      await onSend(content, isNote);
      setDraft((d) => (d.mode === 'note' ? { ...d, note: '' } : { ...d, reply: '' }));
    } catch (err) {
      const message = (err as Error).message || 'The message was not sent.';
      const status = (err as { status?: number }).status;
      if (!isNote && templates && status === 422 && needsTemplate(message)) {
        // The server knows the window better than the loaded page: follow it.
        setRefusal(message);
        setDraft((d) => ({ ...d, mode: 'template' }));
      } else {
        setError(message);
      }
    } finally {
      setSending(false);
      textarea.current?.focus();
    }
  }

  function onKeyDown(e: React.KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey) {
      e.preventDefault();
      send();
      return;
    }
    if (e.key === 'Enter' && enterSends && !e.shiftKey && !e.ctrlKey && !e.metaKey && !e.altKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
      return;
    }
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      textarea.current?.blur();
    }
  }

  const sendKey = enterSends ? 'Enter' : 'Ctrl+Enter';
  const windowId = `window-${conversationId}`;
  return (
    <form
      className={'composer' + (isNote ? ' composer-note' : '') + (isTemplate ? ' composer-template' : '')}
      aria-label="Composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      {hasWindow && !isNote && <WindowIndicator id={windowId} win={win} channel={channel} now={now} />}
      <div className="composer-tabs" role="group" aria-label="Message type">
        <button
          type="button"
          aria-pressed={draft.mode === 'reply' || (draft.mode === 'template' && !templates)}
          className="composer-tab"
          onClick={() => {
            setDraft((d) => ({ ...d, mode: 'reply' }));
            focusText();
          }}
        >
          Reply
        </button>
        {templates && (
          <button
            type="button"
            aria-pressed={isTemplate}
            className="composer-tab"
            onClick={() => setDraft((d) => ({ ...d, mode: 'template' }))}
          >
            Template
          </button>
        )}
        <button
          type="button"
          aria-pressed={isNote}
          className="composer-tab"
          aria-keyshortcuts="Alt+N"
          onClick={() => {
            setDraft((d) => ({ ...d, mode: 'note' }));
            focusText();
          }}
        >
          Private note
        </button>
        <span className="composer-hint muted">
          {isNote
            ? 'Only your team sees notes'
            : isTemplate
              ? 'An approved WhatsApp template'
              : win.kind === 'human_agent'
                ? `Replies go out by ${channelName}, tagged HUMAN_AGENT`
                : `Replies go out by ${channelName}`}
        </span>
      </div>
      {refusal && (
        <p className="form-error window-refusal" role="alert">
          {refusal}
        </p>
      )}
      {isTemplate ? (
        <TemplatePicker
          inboxId={inboxId}
          disabled={disabled}
          onSend={async (t) => {
            await onSendTemplate!(t);
            setRefusal('');
          }}
        />
      ) : (
        <>
      <textarea
        ref={textarea}
        className="composer-input"
        aria-label={isNote ? 'Private note' : 'Reply'}
        placeholder={isNote ? 'Write an internal note…' : 'Write a reply…'}
        value={text}
        rows={3}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        onBlur={() => {
          if (text.trim() === '') stopTyping();
        }}
        disabled={disabled}
        aria-keyshortcuts="Control+Enter"
        aria-describedby={hasWindow && !isNote ? windowId : undefined}
      />
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="composer-footer">
        <label className="check">
          <input
            type="checkbox"
            checked={enterSends}
            onChange={(e) => {
              setEnterSends(e.target.checked);
              writeEnterSends(e.target.checked);
            }}
          />
          Enter sends
        </label>
        <span className="muted composer-keys">
          <kbd>{sendKey}</kbd> to send{enterSends ? ', Shift+Enter for a new line' : ''}
        </span>
        <button
          type="submit"
          className={'btn ' + (isNote ? 'btn-note' : 'btn-primary')}
          disabled={!text.trim() || sending || disabled || replyBlocked}
        >
          {sending ? 'Sending…' : isNote ? 'Add note' : 'Send'}
        </button>
      </div>
        </>
      )}
    </form>
  );
}

/** WindowIndicator says whether the provider accepts a free-form reply now, and until when. */
export function WindowIndicator({ id, win, channel, now }: { id: string; win: ReplyWindow; channel: string; now: number }) {
  const wa = channel === 'whatsapp';
  let text: string;
  let title = '';
  let state: string = win.kind;
  switch (win.kind) {
    case 'open':
      text = `24-hour window open: free-form replies for ${duration(win.closesAt - now)} more.`;
      title = 'Closes ' + fullTime(new Date(win.closesAt).toISOString());
      break;
    case 'template_only':
      text =
        win.since === null
          ? 'This customer has not written to this WhatsApp number: only an approved template can start the conversation.'
          : `24-hour window closed ${duration(now - win.since)} ago: WhatsApp allows only approved templates until the customer writes again.`;
      break;
    case 'human_agent':
      text = `24-hour window closed: your reply goes with the HUMAN_AGENT tag, allowed for ${duration(win.closesAt - now)} more.`;
      title = 'Human-agent replies end ' + fullTime(new Date(win.closesAt).toISOString());
      break;
    case 'closed':
      text =
        win.since === null
          ? 'This person has not written to this page: Messenger allows a reply only after they write.'
          : 'The last message is more than 7 days old: Messenger allows no reply until the person writes again.';
      break;
    case 'unknown':
      text = wa
        ? 'WhatsApp allows free-form replies for 24 hours after the customer’s last message; older messages are not loaded, so the server checks on send.'
        : 'Messenger’s reply window is checked on send.';
      break;
    default:
      return null;
  }
  if (win.kind === 'unknown') state = 'unknown';
  return (
    <p id={id} className={'window window-' + state} data-testid="reply-window" data-state={state} title={title || undefined}>
      <span className="window-dot" aria-hidden="true" />
      {text}
    </p>
  );
}
