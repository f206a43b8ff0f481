// The composer: a reply to the customer or a private note. Ctrl+Enter sends;
// Enter inserts a newline unless the "Enter sends" setting is on. Drafts are
// kept per conversation while the agent moves between conversations. On
// WhatsApp and Messenger the provider's reply window is shown; outside
// WhatsApp's 24 hours the composer offers the template picker instead.
// Files (attach button, Alt+U, drag and drop, paste) upload at once and go
// with the reply or the note as attachment ids; the text is their caption.
import { useEffect, useImperativeHandle, useRef, useState, type ReactNode, type Ref } from 'react';
import { duration, needsTemplate, replyWindow, serverSpec, uploadLimits, type ReplyWindow } from './channels';
import { fileSize, fullTime } from './format';
import { TemplatePicker } from './Templates';
import type { Attachment } from './types';
import { FileIcon, PaperclipIcon } from './ui';
import { useComposerExtras, type ComposerCollab } from './features/composer/useComposerExtras';
import { EmojiButton } from './features/composer/EmojiButton';
import { VoiceButton } from './features/composer/VoiceButton';
import { useDraftStore, type Draft } from './features/composer/drafts';

export type ComposerMode = 'reply' | 'note' | 'template';

/** A file in the composer: uploading, uploaded (ready to send), or refused. */
export interface DraftFile {
  key: string;
  name: string;
  size: number;
  type: string;
  state: 'uploading' | 'ready' | 'failed';
  /** upload is the server's record once uploaded; its id is sent. */
  upload?: Attachment;
  error?: string;
}

/** The most files one message carries, and the largest file: the server's limits, once loaded. */
const maxFiles = () => uploadLimits()?.maxFiles ?? Infinity;
const maxFileBytes = () => uploadLimits()?.maxFileBytes ?? Infinity;
// What the server accepts (typed by content there): images, documents, MP4 video, audio.
const ACCEPT = [
  'image/jpeg', 'image/png', 'image/gif', 'image/webp',
  'application/pdf', '.pdf', '.doc', '.docx', '.xls', '.xlsx',
  'application/msword', 'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'video/mp4', 'audio/*', '.ogg', '.opus', '.mp3', '.amr', '.aac', '.m4a',
].join(',');

let fileSeq = 0;

function hasFiles(dt: DataTransfer | null): boolean {
  return !!dt && Array.from(dt.types ?? []).includes('Files');
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
  /** attach opens the file chooser (Alt+U). */
  attach: () => void;
}

export interface ComposerProps {
  conversationId: string;
  channelName: string;
  /** onSend posts the message; attachmentIds are given when files go with it, mentionIds when a note mentions colleagues. */
  onSend: (content: string, isPrivate: boolean, attachmentIds?: string[], mentionIds?: string[]) => Promise<void>;
  /** collab enables canned replies (/ and Ctrl+/) and @mentions in notes. */
  collab?: ComposerCollab;
  /** upload stores one file and answers its record; without it files cannot be attached. */
  upload?: (file: File, signal: AbortSignal) => Promise<Attachment>;
  /** discard deletes an uploaded file the agent removed before sending. */
  discard?: (uploadId: string) => void;
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
  /**
   * serverDraft keeps the reply's text on the server (per user and
   * conversation): load answers the saved text ('' when none), save stores
   * it ('' deletes it). The text survives a reload and another device.
   */
  serverDraft?: { load: () => Promise<string>; save: (content: string) => void };
  /** toolbar is shown above the text (the reply channel switch). */
  toolbar?: ReactNode;
  /** constructorPanel renders the message constructor in place of the reply box (close hides it). */
  constructorPanel?: (close: () => void) => ReactNode;
}

/** DRAFT_SAVE_MS is how long typing must pause before the draft is saved on the server. */
export const DRAFT_SAVE_MS = 800;

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
  upload,
  discard,
  serverDraft,
  toolbar,
  collab,
  constructorPanel,
}: ComposerProps) {
  const [showCtor, setShowCtor] = useState(false);
  const templates = !!serverSpec(channel)?.templates && !!onSendTemplate && !!inboxId;
  const drafts = useDraftStore();
  const [draft, setDraft] = useState<Draft>(() => {
    const d = drafts.get(conversationId) ?? { reply: '', note: '', mode: 'reply' as ComposerMode, files: [] };
    return d.mode === 'template' && !templates ? { ...d, mode: 'reply' } : d;
  });
  const draftRef = useRef(draft);
  draftRef.current = draft;
  const [dragging, setDragging] = useState(false);
  // Said to screen readers: a file uploaded, removed or refused.
  const [announce, setAnnounce] = useState('');
  const fileInput = useRef<HTMLInputElement>(null);
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
  }, [drafts, conversationId, draft]);

  // Server-side draft: the saved text fills an empty reply box once, and
  // what the agent types is saved after a pause (and when leaving).
  const serverDraftRef = useRef(serverDraft);
  serverDraftRef.current = serverDraft;
  const hasServerDraft = !!serverDraft;
  const savedText = useRef<string | null>(null);
  useEffect(() => {
    const sd = serverDraftRef.current;
    if (!sd) return;
    let live = true;
    sd.load().then(
      (text) => {
        if (!live) return;
        if (savedText.current === null) savedText.current = text;
        if (text) setDraft((d) => (d.reply ? d : { ...d, reply: text }));
      },
      () => {
        if (live && savedText.current === null) savedText.current = '';
      },
    );
    return () => {
      live = false;
    };
  }, [conversationId, hasServerDraft]);
  const replyText = draft.reply;
  useEffect(() => {
    if (!hasServerDraft || savedText.current === null || savedText.current === replyText) return;
    const t = setTimeout(() => {
      savedText.current = replyText;
      serverDraftRef.current?.save(replyText);
    }, DRAFT_SAVE_MS);
    return () => clearTimeout(t);
  }, [replyText, hasServerDraft]);
  useEffect(
    () => () => {
      const text = draftRef.current.reply;
      if (serverDraftRef.current && savedText.current !== null && savedText.current !== text) serverDraftRef.current.save(text);
    },
    [],
  );

  // A file dropped beside the composer would make the browser open it in
  // place of the app: such drops do nothing instead.
  const attachable = !!upload;
  useEffect(() => {
    if (!attachable) return;
    const guard = (e: DragEvent) => {
      if (hasFiles(e.dataTransfer) && !e.defaultPrevented) {
        e.preventDefault();
        if (e.dataTransfer) e.dataTransfer.dropEffect = 'none';
      }
    };
    window.addEventListener('dragover', guard);
    window.addEventListener('drop', guard);
    return () => {
      window.removeEventListener('dragover', guard);
      window.removeEventListener('drop', guard);
    };
  }, [attachable]);

  useEffect(() => drafts.mount(conversationId, setDraft), [drafts, conversationId]);

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
    attach: () => {
      if (upload && !disabled) fileInput.current?.click();
    },
  }));

  /** addFiles uploads each file at once; the chips show how each one is doing. */
  function addFiles(list: FileList | File[] | null | undefined) {
    if (!upload || disabled || !list) return;
    const picked = Array.from(list);
    if (picked.length === 0) return;
    const room = Math.max(0, maxFiles() - draftRef.current.files.length);
    const taken = picked.slice(0, room);
    if (picked.length > room) {
      setError(`A message carries at most ${maxFiles()} files: ${picked.length - room === 1 ? '1 file was' : `${picked.length - room} files were`} not added.`);
    } else {
      setError('');
    }
    const cid = conversationId;
    const items: DraftFile[] = taken.map((f) => {
      const item: DraftFile = { key: `f${++fileSeq}`, name: f.name || 'file', size: f.size, type: f.type, state: 'uploading' };
      if (f.size > maxFileBytes()) {
        item.state = 'failed';
        item.error = `Larger than ${fileSize(maxFileBytes())}.`;
      }
      return item;
    });
    if (items.length === 0) return;
    // Files are not shown beside the template picker: back to the reply box.
    setDraft((d) => ({ ...d, mode: d.mode === 'template' ? 'reply' : d.mode, files: [...d.files, ...items] }));
    setAnnounce(items.length === 1 ? `Uploading ${items[0].name}…` : `Uploading ${items.length} files…`);
    items.forEach((item, i) => {
      if (item.state !== 'uploading') {
        setAnnounce(`${item.name} was not attached: ${item.error}`);
        return;
      }
      const ctl = new AbortController();
      drafts.track(item.key, ctl);
      const set = (patch: Partial<DraftFile>) =>
        drafts.patch(cid, (d) => ({ ...d, files: d.files.map((x) => (x.key === item.key ? { ...x, ...patch } : x)) }));
      upload(taken[i], ctl.signal)
        .then((a) => {
          set({ state: 'ready', upload: a, name: a.file_name || item.name, size: a.size, type: a.content_type || item.type });
          if (drafts.isMounted(cid)) setAnnounce(`${a.file_name || item.name} attached.`);
        })
        .catch((err: unknown) => {
          if (ctl.signal.aborted || (err as Error)?.name === 'AbortError') return;
          const status = (err as { status?: number }).status;
          const text = (err as Error)?.message || '';
          // Over the cap the server stops reading the form (413, or 422 "request body too large").
          const message =
            status === 413 || /body too large/i.test(text) ? (uploadLimits() ? `Larger than ${fileSize(maxFileBytes())}.` : 'The file is too large.') : text || 'The upload failed.';
          set({ state: 'failed', error: message });
          if (drafts.isMounted(cid)) setAnnounce(`${item.name} was not attached: ${message}`);
        })
        .finally(() => drafts.untrack(item.key));
    });
  }

  function removeFile(f: DraftFile) {
    drafts.abort(f.key);
    if (f.upload) discard?.(f.upload.id);
    setDraft((d) => ({ ...d, files: d.files.filter((x) => x.key !== f.key) }));
    setAnnounce(`${f.name} removed.`);
    setError('');
    focusText();
  }

  const text = draft.mode === 'note' ? draft.note : draft.reply;
  const isNote = draft.mode === 'note';
  const isTemplate = draft.mode === 'template' && templates;
  // Free-form replies the provider would refuse are not offered.
  const replyBlocked = !isNote && (win.kind === 'template_only' || win.kind === 'closed');
  const files = draft.files;
  const ready = files.filter((f) => f.state === 'ready' && f.upload);
  const stillUploading = files.some((f) => f.state === 'uploading');
  const canAttach = !!upload && !disabled;
  const extras = useComposerExtras({ collab, isNote, text, setText, textarea, setError });

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
    if (isTemplate || (!content && ready.length === 0) || sending || disabled || replyBlocked) return;
    if (stillUploading) {
      setError('Wait for the files to finish uploading.');
      return;
    }
    const blocked = extras.blockReason(content);
    if (blocked) {
      setError(blocked);
      return;
    }
    const mentionIds = extras.mentionIds(content);
    setSending(true);
    setError('');
    setRefusal('');
    stopTyping();
    const ids = ready.map((f) => f.upload!.id);
    try {
      if (mentionIds.length) await onSend(content, isNote, ids, mentionIds);
      else if (ids.length) await onSend(content, isNote, ids);
      else await onSend(content, isNote);
      extras.sent();
      // The files went with it (refused ones too: the agent saw why).
      // Sending a reply deletes its draft on the server.
      if (!isNote && savedText.current !== null) savedText.current = '';
      setDraft((d) => ({ ...(d.mode === 'note' ? { ...d, note: '' } : { ...d, reply: '' }), files: [] }));
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
    if (extras.onKeyDown(e)) return;
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
  const dropProps = canAttach
    ? {
        onDragEnter: (e: React.DragEvent) => {
          if (!hasFiles(e.dataTransfer)) return;
          e.preventDefault();
          setDragging(true);
        },
        onDragOver: (e: React.DragEvent) => {
          if (!hasFiles(e.dataTransfer)) return;
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
          if (!dragging) setDragging(true);
        },
        onDragLeave: (e: React.DragEvent) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
        },
        onDrop: (e: React.DragEvent) => {
          setDragging(false);
          if (!e.dataTransfer?.files?.length) return;
          e.preventDefault();
          addFiles(e.dataTransfer.files);
          focusText();
        },
      }
    : {};
  return (
    <form
      className={
        'composer' + (isNote ? ' composer-note' : '') + (isTemplate ? ' composer-template' : '') + (dragging ? ' composer-dragging' : '')
      }
      aria-label="Composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
      {...dropProps}
    >
      {dragging && (
        <div className="composer-drop" aria-hidden="true">
          Drop files to attach them
        </div>
      )}
      {upload && (
        <input
          ref={fileInput}
          type="file"
          multiple
          hidden
          accept={ACCEPT}
          aria-label="Attach files"
          tabIndex={-1}
          data-testid="composer-file-input"
          onChange={(e) => {
            addFiles(e.target.files);
            e.target.value = ''; // the same file may be chosen again
            focusText();
          }}
        />
      )}
      <span className="sr-only" role="status" aria-live="polite">
        {announce}
      </span>
      {hasWindow && !isNote && <WindowIndicator id={windowId} win={win} channel={channel} now={now} />}
      {toolbar}
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
        {constructorPanel && (
          <button type="button" aria-pressed={showCtor} className="composer-tab" onClick={() => setShowCtor((v) => !v)}>
            Constructor
          </button>
        )}
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
      {showCtor && constructorPanel ? (
        constructorPanel(() => setShowCtor(false))
      ) : isTemplate ? (
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
      {extras.ui}
      <textarea
        ref={textarea}
        className="composer-input"
        aria-label={isNote ? 'Private note' : 'Reply'}
        placeholder={isNote ? 'Write an internal note…' : 'Write a reply…'}
        value={text}
        rows={3}
        onChange={(e) => {
          setText(e.target.value);
          extras.onChange(e.target.value);
        }}
        onKeyDown={onKeyDown}
        onPaste={(e) => {
          // A pasted picture or file is attached. Text copied from an office
          // program may carry a picture of itself too: text wins then.
          const cd = e.clipboardData;
          if (!canAttach || !cd?.files?.length || Array.from(cd.types ?? []).includes('text/plain')) return;
          e.preventDefault();
          addFiles(cd.files);
        }}
        onBlur={() => {
          if (text.trim() === '') stopTyping();
        }}
        disabled={disabled}
        aria-keyshortcuts="Control+Enter"
        aria-describedby={hasWindow && !isNote ? windowId : undefined}
      />
      {files.length > 0 && (
        <ul className="composer-files" aria-label="Files to send">
          {files.map((f) => (
            <li key={f.key} className={'file-chip file-chip-' + f.state} data-state={f.state} aria-busy={f.state === 'uploading'}>
              <FileIcon contentType={f.type} />
              <span className="file-chip-name" title={f.name}>
                {f.name}
              </span>
              <span className="file-chip-size">{fileSize(f.size)}</span>
              {f.state === 'uploading' && (
                <span className="file-chip-progress">
                  <span className="file-chip-bar" role="progressbar" aria-label={`Uploading ${f.name}`} />
                  Uploading…
                </span>
              )}
              {f.state === 'failed' && <span className="file-chip-error">{f.error}</span>}
              <button
                type="button"
                className="file-chip-remove"
                aria-label={`Remove ${f.name}`}
                title={f.state === 'uploading' ? 'Cancel the upload' : 'Remove'}
                onClick={() => removeFile(f)}
              >
                <span aria-hidden="true">✕</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p className="form-error composer-error" role="alert">
          {error}
        </p>
      )}
      <div className="composer-footer">
        {upload && (
          <button
            type="button"
            className="btn btn-ghost btn-sm composer-attach"
            aria-label="Attach files"
            aria-keyshortcuts="Alt+U"
            title="Attach files (Alt+U), or drop or paste them here"
            disabled={disabled || files.length >= maxFiles()}
            onClick={() => fileInput.current?.click()}
          >
            <PaperclipIcon />
          </button>
        )}
        <EmojiButton textarea={textarea} text={text} setText={setText} disabled={disabled} />
        {upload && !isNote && (
          <VoiceButton upload={upload} send={(ids) => onSend('', false, ids)} disabled={disabled || replyBlocked} onError={setError} />
        )}
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
          disabled={(!text.trim() && ready.length === 0) || stillUploading || sending || disabled || replyBlocked}
        >
          {sending ? 'Sending…' : stillUploading ? 'Uploading…' : isNote ? 'Add note' : 'Send'}
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
