// The composer's pickers: canned replies ("/" at the start, or Ctrl+/) and
// colleagues to mention in a note ("@"). A listbox the textarea drives
// with ↑ ↓ Enter Esc, or (Ctrl+/) with a search box of its own.
import { useEffect, useState } from 'react';
import type { CannedReply, Mention } from '../collab/api';
import { filterCanned, filterPeople } from './pickers';

export function CannedList({
  replies,
  query,
  active,
  onPick,
  onHover,
}: {
  replies: CannedReply[];
  query: string;
  active: number;
  onPick: (r: CannedReply) => void;
  onHover: (i: number) => void;
}) {
  const shown = filterCanned(replies, query);
  return (
    <ul className="picker" role="listbox" aria-label="Canned replies" id="canned-picker">
      {shown.length === 0 && <li className="picker-empty muted">No canned reply matches “{query}”.</li>}
      {shown.map((r, i) => (
        <li
          key={r.id}
          role="option"
          aria-selected={i === active}
          className={'picker-item' + (i === active ? ' active' : '')}
          onMouseEnter={() => onHover(i)}
          onMouseDown={(e) => {
            e.preventDefault();
            onPick(r);
          }}
        >
          <span className="picker-code">/{r.short_code}</span> <span className="picker-title">{r.title}</span>
          {r.category && <span className="picker-cat muted"> · {r.category}</span>}
          <span className="picker-body muted">{r.body}</span>
        </li>
      ))}
    </ul>
  );
}

export function CannedSearch({
  replies,
  onPick,
  onClose,
}: {
  replies: CannedReply[];
  onPick: (r: CannedReply) => void;
  onClose: () => void;
}) {
  const [q, setQ] = useState('');
  const [active, setActive] = useState(0);
  const shown = filterCanned(replies, q);
  useEffect(() => setActive(0), [q]);
  return (
    <div className="picker-wrap">
      <input
        autoFocus
        className="picker-search"
        aria-label="Search canned replies"
        placeholder="Search canned replies by code, title or category"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            const n = shown.length || 1;
            setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
          } else if (e.key === 'Enter') {
            e.preventDefault();
            if (shown[active]) onPick(shown[active]);
          } else if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            onClose();
          }
        }}
      />
      <CannedList replies={replies} query={q} active={active} onPick={onPick} onHover={setActive} />
    </div>
  );
}

export function MentionList({
  people,
  query,
  active,
  onPick,
  onHover,
}: {
  people: Mention[];
  query: string;
  active: number;
  onPick: (p: Mention) => void;
  onHover: (i: number) => void;
}) {
  const shown = filterPeople(people, query);
  return (
    <ul className="picker" role="listbox" aria-label="Mention a colleague">
      {shown.length === 0 && <li className="picker-empty muted">No colleague who can see this conversation matches.</li>}
      {shown.map((p, i) => (
        <li
          key={p.id}
          role="option"
          aria-selected={i === active}
          className={'picker-item' + (i === active ? ' active' : '')}
          onMouseEnter={() => onHover(i)}
          onMouseDown={(e) => {
            e.preventDefault();
            onPick(p);
          }}
        >
          @{p.name}
        </li>
      ))}
    </ul>
  );
}
