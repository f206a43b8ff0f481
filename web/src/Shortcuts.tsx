// The keyboard shortcut list, shown with "?".
import { useEffect, useLayoutEffect, useRef } from 'react';
import { AI_SHORTCUTS } from './features/ai/Controls';

export const SHORTCUTS: [string[], string][] = [
  [['/'], 'Search conversations'],
  [['↑', '↓'], 'Move through the conversation list'],
  [['Enter'], 'Open the highlighted conversation'],
  [['Ctrl+Shift+↑', 'Ctrl+Shift+↓'], 'Open the previous / next conversation (works while typing)'],
  [['Esc'], 'Close a dialog, clear the search, or close the conversation'],
  [['Ctrl+Enter'], 'Send the reply or note'],
  [['Alt+N'], 'Write a private note'],
  [['Alt+M'], 'Write a reply to the customer'],
  [['Alt+U'], 'Attach files to the reply or note (or drop or paste them on the composer)'],
  [['Alt+R'], 'Resolve the conversation with a note and reason (or reopen it)'],
  [['Alt+A'], 'Assign the conversation to me'],
  [['Alt+Y'], 'Accept the conversation (from the queue)'],
  [['Alt+T'], 'Transfer the conversation to a colleague or a team'],
  [['Alt+G'], 'Merge the conversation into another of the same contact'],
  [['Alt+C'], 'Start a new chat'],
  [['Alt+1', 'Alt+2', 'Alt+3', 'Alt+4'], 'Show All / Mine / Unassigned / Queued'],
  [['Ctrl+Shift+S'], 'Open the large client card (Esc closes it)'],
  [['Ctrl+Shift+A'], 'Mark (star) the contact for yourself'],
  ...AI_SHORTCUTS,
  [['?'], 'Show this list'],
];

export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    closeRef.current?.focus();
    return () => previous?.focus?.();
  }, []);
  // Esc closes the dialog even when focus slipped out of it (a focus queued
  // for the next frame, such as the list's after closing a conversation).
  const onCloseRef = useRef(onClose);
  useLayoutEffect(() => {
    onCloseRef.current = onClose;
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      e.preventDefault();
      onCloseRef.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={ref}
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcuts-title"
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            onClose();
          } else if (e.key === 'Tab') {
            // One focusable element: keep focus inside the dialog.
            e.preventDefault();
            closeRef.current?.focus();
          }
        }}
      >
        <div className="dialog-head">
          <h2 id="shortcuts-title">Keyboard shortcuts</h2>
          <button ref={closeRef} type="button" className="btn btn-ghost btn-sm" onClick={onClose}>
            Close
          </button>
        </div>
        <table className="shortcuts">
          <thead>
            <tr>
              <th scope="col">Keys</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {SHORTCUTS.map(([keys, what]) => (
              <tr key={what}>
                <td>
                  {keys.map((k, i) => (
                    <span key={k}>
                      {i > 0 && ' '}
                      <kbd>{k}</kbd>
                    </span>
                  ))}
                </td>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
