// The large client card (seed 001): Ctrl+Shift+S opens it over the open
// conversation, Esc closes it; Ctrl+Shift+A marks the contact.
import { useEffect, useRef, useState } from 'react';
import { useSession } from '../../session';
import { contactsApi } from './api';
import { ClientCard } from './ClientCard';

/** ContactHotkeys is the inbox's hook into contacts: render it with the open conversation's contact. */
export function ContactHotkeys({ contactId }: { contactId: string | undefined }) {
  const { workspace } = useSession();
  const [open, setOpen] = useState(false);
  const idRef = useRef(contactId);
  idRef.current = contactId;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.ctrlKey || !e.shiftKey || e.altKey || !idRef.current) return;
      if (e.code === 'KeyS') {
        e.preventDefault();
        setOpen(true);
      } else if (e.code === 'KeyA') {
        e.preventDefault();
        const id = idRef.current;
        contactsApi
          .get(workspace.id, id)
          .then((c) => contactsApi.mark(workspace.id, id, !c.marked))
          .catch(() => {});
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [workspace.id]);
  useEffect(() => setOpen(false), [contactId]);
  if (!open || !contactId) return null;
  return <LargeCard contactId={contactId} onClose={() => setOpen(false)} />;
}

export function LargeCard({ contactId, onClose }: { contactId: string; onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    ref.current?.focus();
    // Esc closes the card before anything underneath (the inbox would
    // close the conversation): a capturing listener on window runs first.
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      if (document.querySelector('[aria-labelledby="merge-title"]')) return; // the merge dialog closes first
      e.preventDefault();
      e.stopPropagation();
      onCloseRef.current();
    };
    window.addEventListener('keydown', onKey, true);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      previous?.focus?.();
    };
  }, []);
  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={ref} tabIndex={-1} className="dialog dialog-wide" role="dialog" aria-modal="true" aria-labelledby="large-card-title">
        <div className="dialog-head">
          <span className="muted">Client card</span>
          <button type="button" className="btn btn-ghost btn-sm" onClick={onClose} aria-keyshortcuts="Escape">
            Close
          </button>
        </div>
        <ClientCard contactId={contactId} headingId="large-card-title" />
      </div>
    </div>
  );
}
