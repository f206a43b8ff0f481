// Merge another contact into this one: pick it, see what moves, confirm.
// The survivor's values win where both have one.
import { useEffect, useRef, useState } from 'react';
import { useSession } from '../../session';
import { contactsApi, type FullContact } from './api';

export function MergeDialog({ survivor, onClose, onMerged }: { survivor: FullContact; onClose: () => void; onMerged: () => void }) {
  const { workspace } = useSession();
  const [q, setQ] = useState('');
  const [found, setFound] = useState<FullContact[]>([]);
  const [other, setOther] = useState<FullContact | null>(null);
  const [error, setError] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => inputRef.current?.focus(), []);
  useEffect(() => {
    let live = true;
    contactsApi
      .list(workspace.id, { q, archived: 'any' })
      .then((p) => live && setFound((p.items ?? []).filter((x) => x.id !== survivor.id).slice(0, 8)))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [workspace.id, q, survivor.id]);
  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="merge-title"
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            onClose();
          }
        }}
      >
        <div className="dialog-head">
          <h2 id="merge-title">Merge into {survivor.name || 'this contact'}</h2>
          <button type="button" className="btn btn-ghost btn-sm" onClick={onClose}>
            Cancel
          </button>
        </div>
        <label className="field">
          <span>Find the duplicate</span>
          <input ref={inputRef} value={q} onChange={(e) => setQ(e.target.value)} placeholder="Name, email or phone" />
        </label>
        <ul className="cc-list" aria-label="Matching contacts">
          {found.map((x) => (
            <li key={x.id}>
              <label>
                <input type="radio" name="merge-other" checked={other?.id === x.id} onChange={() => setOther(x)} /> {x.name}{' '}
                <span className="muted">{[x.email, x.phone].filter(Boolean).join(' · ')}</span>
              </label>
            </li>
          ))}
        </ul>
        {other && (
          <p className="muted">
            {other.name}'s channels, conversations, tags and attributes move to {survivor.name}; where both have a value,{' '}
            {survivor.name}'s is kept. Links to {other.name} keep working.
          </p>
        )}
        {error && (
          <p className="cc-error" role="alert">
            {error}
          </p>
        )}
        <button
          type="button"
          className="btn btn-primary"
          disabled={!other}
          onClick={async () => {
            if (!other) return;
            try {
              await contactsApi.merge(workspace.id, survivor.id, other.id);
              onMerged();
            } catch (e) {
              setError((e as Error).message);
            }
          }}
        >
          Merge
        </button>
      </div>
    </div>
  );
}
