// The subject of a new email conversation (New chat on an email inbox):
// required there, one line (an input drops line breaks; the server refuses
// them), and what the conversation keeps as its subject.

/** MAX_SUBJECT is the server's limit on a new email's subject (characters). */
export const MAX_SUBJECT = 250;

/** needsSubject tells whether a new conversation on a channel takes a subject. */
export function needsSubject(channel: string | undefined): boolean {
  return channel === 'email';
}

export function SubjectField({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  return (
    <div className="field">
      <label htmlFor="newchat-subject">
        Subject<span className="req"> (required)</span>
      </label>
      <input
        id="newchat-subject"
        name="subject"
        required
        maxLength={MAX_SUBJECT}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby="newchat-subject-help"
      />
      <span id="newchat-subject-help" className="field-help muted">
        The customer’s answers keep the thread, whatever subject they reply with.
      </span>
    </div>
  );
}
