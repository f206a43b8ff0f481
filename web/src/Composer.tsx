// The composer: a reply to the customer or a private note. Ctrl+Enter sends;
// Enter inserts a newline unless the "Enter sends" setting is on. Drafts are
// kept per conversation while the agent moves between conversations.
import { useEffect, useImperativeHandle, useRef, useState, type Ref } from 'react';

export type ComposerMode = 'reply' | 'note';

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
}

const TYPING_IDLE_MS = 3000;
const TYPING_REFRESH_MS = 4000;

export function Composer({ conversationId, channelName, onSend, onTyping, disabled, handle }: ComposerProps) {
  const [draft, setDraft] = useState<Draft>(() => drafts.get(conversationId) ?? { reply: '', note: '', mode: 'reply' });
  const [enterSends, setEnterSends] = useState(readEnterSends);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState('');
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

  useImperativeHandle(handle, () => ({
    focus: (mode?: ComposerMode) => {
      if (mode) setDraft((d) => ({ ...d, mode }));
      textarea.current?.focus();
    },
  }));

  const text = draft.mode === 'note' ? draft.note : draft.reply;
  const isNote = draft.mode === 'note';

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
    if (!content || sending || disabled) return;
    setSending(true);
    setError('');
    stopTyping();
    try {
      await onSend(content, isNote);
      setDraft((d) => (d.mode === 'note' ? { ...d, note: '' } : { ...d, reply: '' }));
    } catch (err) {
      setError((err as Error).message || 'The message was not sent.');
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
  return (
    <form
      className={'composer' + (isNote ? ' composer-note' : '')}
      aria-label="Composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <div className="composer-tabs" role="group" aria-label="Message type">
        <button
          type="button"
          aria-pressed={!isNote}
          className="composer-tab"
          onClick={() => {
            setDraft((d) => ({ ...d, mode: 'reply' }));
            textarea.current?.focus();
          }}
        >
          Reply
        </button>
        <button
          type="button"
          aria-pressed={isNote}
          className="composer-tab"
          aria-keyshortcuts="Alt+N"
          onClick={() => {
            setDraft((d) => ({ ...d, mode: 'note' }));
            textarea.current?.focus();
          }}
        >
          Private note
        </button>
        <span className="composer-hint muted">
          {isNote ? 'Only your team sees notes' : `Replies go out by ${channelName}`}
        </span>
      </div>
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
        <button type="submit" className={'btn ' + (isNote ? 'btn-note' : 'btn-primary')} disabled={!text.trim() || sending || disabled}>
          {sending ? 'Sending…' : isNote ? 'Add note' : 'Send'}
        </button>
      </div>
    </form>
  );
}
