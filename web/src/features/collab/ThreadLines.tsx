// How teamwork shows in a thread: the line that says who added whom (with
// the comment), and the names a note mentions.
import type { Message } from '../../types';
import type { NoteMessage } from './api';

export function isParticipantsLine(m: Message): boolean {
  return m.content_type === 'participants_added';
}

export function ParticipantsLine({ m }: { m: Message }) {
  const n = m as NoteMessage;
  const names = (n.mentions ?? []).map((x) => x.name).join(', ');
  return (
    <li className="msg-system msg-participants" data-kind="participants" data-message-id={m.id}>
      <span>
        <strong>{m.sender?.name || 'A colleague'}</strong> added {names || 'colleagues'} to the conversation
        {m.content ? <>: “{m.content}”</> : null}
      </span>
    </li>
  );
}

export function MentionNames({ m }: { m: Message }) {
  const list = (m as NoteMessage).mentions ?? [];
  if (!list.length) return null;
  return (
    <div className="msg-mentions muted" aria-label="Mentioned">
      Mentioned: {list.map((x) => '@' + x.name).join(', ')}
    </div>
  );
}
