// The composer's emoji button: opens the picker above the footer and puts
// the chosen emoji at the caret, keeping the picker open for another one.
import { useEffect, useRef, useState, type RefObject } from 'react';
import { EmojiPicker, insertAt } from './Emoji';

export function EmojiButton({
  textarea,
  text,
  setText,
  disabled,
}: {
  textarea: RefObject<HTMLTextAreaElement | null>;
  text: string;
  setText: (v: string) => void;
  disabled?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  // The caret is remembered when the picker opens: the textarea loses focus.
  const caret = useRef<{ start: number; end: number } | null>(null);

  function pick(emoji: string) {
    const el = textarea.current;
    const at = caret.current ?? { start: el?.selectionStart ?? text.length, end: el?.selectionEnd ?? text.length };
    const r = insertAt(text, at.start, at.end, emoji);
    caret.current = { start: r.caret, end: r.caret };
    setText(r.text);
  }

  // A click elsewhere closes the picker (without moving the focus).
  const anchor = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (!open) return;
    const away = (e: MouseEvent) => {
      if (anchor.current && !anchor.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [open]);

  function close() {
    setOpen(false);
    const el = textarea.current;
    const at = caret.current;
    setTimeout(() => {
      el?.focus();
      if (el && at) el.setSelectionRange(at.start, at.end);
    });
  }

  return (
    <span className="emoji-anchor" ref={anchor}>
      <button
        ref={button}
        type="button"
        className="btn btn-ghost btn-sm composer-emoji"
        aria-label="Insert emoji"
        aria-haspopup="dialog"
        aria-expanded={open}
        title="Insert emoji"
        disabled={disabled}
        onClick={() => {
          if (open) {
            close();
            return;
          }
          const el = textarea.current;
          caret.current = el ? { start: el.selectionStart, end: el.selectionEnd } : null;
          setOpen(true);
        }}
      >
        <span aria-hidden="true">☺</span>
      </button>
      {open && <EmojiPicker onPick={pick} onClose={close} />}
    </span>
  );
}
