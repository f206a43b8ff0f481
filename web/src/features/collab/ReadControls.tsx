// Mark read / mark unread (Shift+Enter marks read, seed 001) and the
// per-member "mark read when opened" setting (default on).
import { useCallback, useEffect, useRef, useState } from 'react';
import { request } from '../../api';

export const readApi = {
  prefs: (ws: string) => request<{ mark_read_on_open: boolean }>(`/workspaces/${ws}/me/read-preferences`),
  setPrefs: (ws: string, v: boolean) =>
    request<{ mark_read_on_open: boolean }>(`/workspaces/${ws}/me/read-preferences`, { method: 'PUT', body: { mark_read_on_open: v } }),
  unread: (ws: string, cid: string) => request<void>(`/workspaces/${ws}/conversations/${cid}/unread`, { method: 'POST' }),
};

/** useReadOnOpen loads the setting; the ref is read by the inbox when a conversation opens. */
export function useReadOnOpen(ws: string) {
  const ref = useRef(true);
  const [value, setValue] = useState(true);
  useEffect(() => {
    readApi.prefs(ws).then(
      (p) => {
        ref.current = p.mark_read_on_open;
        setValue(p.mark_read_on_open);
      },
      () => {},
    );
  }, [ws]);
  const set = useCallback(
    (v: boolean) => {
      ref.current = v;
      setValue(v);
      readApi.setPrefs(ws, v).catch(() => {});
    },
    [ws],
  );
  return { ref, value, set };
}

/** isTextField tells a key typed into a field from a shortcut. */
export function isTextField(el: EventTarget | null): boolean {
  const t = el as HTMLElement | null;
  return !!t && (t.tagName === 'TEXTAREA' || t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.isContentEditable);
}

export function ReadControls({
  onRead,
  onUnread,
  readOnOpen,
  setReadOnOpen,
}: {
  onRead: () => void;
  onUnread: () => void;
  readOnOpen: boolean;
  setReadOnOpen: (v: boolean) => void;
}) {
  // Shift+Enter outside a text field marks the open conversation read.
  const onReadRef = useRef(onRead);
  onReadRef.current = onRead;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Enter' && e.shiftKey && !e.ctrlKey && !e.metaKey && !e.altKey && !isTextField(e.target)) {
        e.preventDefault();
        onReadRef.current();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <>
      <button type="button" className="btn btn-ghost btn-sm" onClick={onRead} aria-keyshortcuts="Shift+Enter" title="Mark read (Shift+Enter)">
        Mark read
      </button>
      <button type="button" className="btn btn-ghost btn-sm" onClick={onUnread}>
        Mark unread
      </button>
      <label className="check read-on-open" title="When off, messages stay unread until you mark them read">
        <input type="checkbox" checked={readOnOpen} onChange={(e) => setReadOnOpen(e.target.checked)} />
        Read when opened
      </label>
    </>
  );
}

/** typingLine is the "who is typing" wording: "You are typing…", "You, Ana are typing…", "Ana is typing…". */
export function typingLine(meTyping: boolean, others: string[]): string {
  const names = [...(meTyping ? ['You'] : []), ...others];
  if (names.length === 0) return '';
  const verb = names.length === 1 && !meTyping ? 'is' : 'are';
  return `${names.join(', ')} ${verb} typing…`;
}
