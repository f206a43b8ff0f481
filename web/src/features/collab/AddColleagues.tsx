// "Add a colleague with a comment" (seed 001): pick colleagues who can see
// the conversation and leave a comment; they become participants and are
// notified, and the thread shows an informational line.
import { useState } from 'react';
import type { Conversation, Member } from '../../types';
import { mentionable } from '../composer/useComposerCollab';
import { collabApi, type NoteMessage } from './api';

export function AddColleagues({
  ws,
  conversation,
  members,
  meId,
  onAdded,
}: {
  ws: string;
  conversation: Conversation;
  members: Member[];
  meId: string;
  onAdded?: (m: NoteMessage) => void;
}) {
  const [open, setOpen] = useState(false);
  const [picked, setPicked] = useState<string[]>([]);
  const [comment, setComment] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const people = mentionable(conversation, members, meId);
  const close = () => {
    setOpen(false);
    setPicked([]);
    setComment('');
    setError('');
  };
  return (
    <>
      <button type="button" className="btn btn-sm" onClick={() => setOpen(true)} title="Add a colleague with a comment">
        Add colleague
      </button>
      {open && (
        <div className="backdrop" onClick={close}>
          <form
            className="dialog dialog-confirm"
            role="dialog"
            aria-modal="true"
            aria-label="Add colleagues"
            onClick={(e) => e.stopPropagation()}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                e.stopPropagation();
                close();
              }
            }}
            onSubmit={async (e) => {
              e.preventDefault();
              if (!picked.length || busy) return;
              setBusy(true);
              try {
                const r = await collabApi.addParticipants(ws, conversation.id, picked, comment);
                if (r.message) onAdded?.(r.message);
                close();
              } catch (err) {
                setError((err as Error).message || 'The colleagues were not added.');
              } finally {
                setBusy(false);
              }
            }}
          >
            <h2>Add colleagues</h2>
            <fieldset className="colleague-list">
              <legend className="muted">Colleagues who can see this conversation</legend>
              {people.length === 0 && <p className="muted">Nobody else can see this conversation.</p>}
              {people.map((p) => (
                <label key={p.id} className="check">
                  <input
                    type="checkbox"
                    checked={picked.includes(p.id)}
                    onChange={(e) => setPicked((l) => (e.target.checked ? [...l, p.id] : l.filter((x) => x !== p.id)))}
                  />
                  {p.name}
                </label>
              ))}
            </fieldset>
            <label className="field">
              <span>Comment</span>
              <textarea aria-label="Comment" value={comment} rows={3} onChange={(e) => setComment(e.target.value)} />
            </label>
            {error && (
              <p className="form-error" role="alert">
                {error}
              </p>
            )}
            <div className="dialog-actions">
              <button type="button" className="btn" onClick={close}>
                Cancel
              </button>
              <button type="submit" className="btn btn-primary" disabled={!picked.length || busy}>
                Add
              </button>
            </div>
          </form>
        </div>
      )}
    </>
  );
}
