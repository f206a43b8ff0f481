// The composer's emoji picker (seed 001 "Open emoji insertion menu"). The
// data is Unicode's emoji list (unicode-emoji-json), loaded as a chunk of
// its own the first time the picker opens, so the app's first load does not
// carry it. The grid is keyboard driven: arrows move, Home/End jump,
// Enter inserts, Esc closes and gives the focus back to the text.
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';

export interface EmojiItem {
  emoji: string;
  name: string;
}
export interface EmojiGroup {
  name: string;
  emojis: EmojiItem[];
}

/** COLUMNS is the grid's width; arrow keys move by it. */
export const COLUMNS = 8;
/** MAX_SHOWN caps search results so a one-letter query stays fast. */
const MAX_SHOWN = 160;

let cache: Promise<EmojiGroup[]> | null = null;

/** loadEmoji fetches the emoji data once per page. */
export function loadEmoji(): Promise<EmojiGroup[]> {
  cache ??= import('unicode-emoji-json/data-by-group.json').then((m) => {
    const raw = (m.default ?? m) as unknown as { name: string; emojis: { emoji: string; name: string }[] }[];
    return raw.map((g) => ({ name: g.name, emojis: g.emojis.map((e) => ({ emoji: e.emoji, name: e.name })) }));
  });
  return cache;
}

/** searchEmoji answers the emojis whose name has every word of q, names starting with q first. */
export function searchEmoji(groups: EmojiGroup[], q: string): EmojiItem[] {
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [];
  const first: EmojiItem[] = [];
  const rest: EmojiItem[] = [];
  for (const g of groups) {
    for (const e of g.emojis) {
      if (!words.every((w) => e.name.includes(w))) continue;
      (e.name.startsWith(words[0]) ? first : rest).push(e);
    }
  }
  return [...first, ...rest].slice(0, MAX_SHOWN);
}

/** moveIndex answers where a grid key takes the focus from i among n cells, or -1 when the key is not a move. */
export function moveIndex(key: string, i: number, n: number, cols = COLUMNS): number {
  if (n === 0) return -1;
  switch (key) {
    case 'ArrowRight':
      return Math.min(i + 1, n - 1);
    case 'ArrowLeft':
      return Math.max(i - 1, 0);
    case 'ArrowDown':
      return i + cols < n ? i + cols : i;
    case 'ArrowUp':
      return i - cols >= 0 ? i - cols : i;
    case 'Home':
      return 0;
    case 'End':
      return n - 1;
    default:
      return -1;
  }
}

/** insertAt puts s at the caret (or over the selection) and answers the new text and caret. */
export function insertAt(text: string, start: number, end: number, s: string): { text: string; caret: number } {
  return { text: text.slice(0, start) + s + text.slice(end), caret: start + s.length };
}

export function EmojiPicker({ onPick, onClose }: { onPick: (emoji: string) => void; onClose: () => void }) {
  const [groups, setGroups] = useState<EmojiGroup[] | null>(null);
  const [failed, setFailed] = useState(false);
  const [group, setGroup] = useState(0);
  const [q, setQ] = useState('');
  const [active, setActive] = useState(0);
  const grid = useRef<HTMLDivElement>(null);
  const search = useRef<HTMLInputElement>(null);

  useEffect(() => {
    let live = true;
    loadEmoji().then(
      (g) => live && setGroups(g),
      () => live && setFailed(true),
    );
    search.current?.focus();
    return () => {
      live = false;
    };
  }, []);

  const shown = useMemo(() => {
    if (!groups) return [];
    return q.trim() ? searchEmoji(groups, q) : (groups[group]?.emojis ?? []);
  }, [groups, group, q]);

  function focusCell(i: number) {
    setActive(i);
    grid.current?.querySelector<HTMLElement>(`[data-index="${i}"]`)?.focus();
  }

  function onGridKey(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onClose();
      return;
    }
    const next = moveIndex(e.key, active, shown.length);
    if (next < 0) return;
    e.preventDefault();
    focusCell(next);
  }

  return (
    <div
      className="emoji-picker"
      role="dialog"
      aria-label="Emoji"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <input
        ref={search}
        type="search"
        className="picker-search"
        placeholder="Search emoji"
        aria-label="Search emoji"
        value={q}
        onChange={(e) => {
          setQ(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' && shown.length) {
            e.preventDefault();
            focusCell(0);
          } else if (e.key === 'Enter' && shown.length) {
            e.preventDefault();
            onPick(shown[0].emoji);
          }
        }}
      />
      {!q.trim() && groups && (
        <div className="emoji-groups" role="tablist" aria-label="Emoji groups">
          {groups.map((g, i) => (
            <button
              key={g.name}
              type="button"
              role="tab"
              aria-selected={i === group}
              className={'emoji-group' + (i === group ? ' current' : '')}
              title={g.name}
              onClick={() => {
                setGroup(i);
                setActive(0);
              }}
            >
              <span aria-hidden="true">{g.emojis[0]?.emoji}</span>
              <span className="sr-only">{g.name}</span>
            </button>
          ))}
        </div>
      )}
      {failed && <p className="form-error">The emoji list could not be loaded.</p>}
      {!groups && !failed && <p className="muted">Loading…</p>}
      {groups && shown.length === 0 && <p className="muted">No emoji matches “{q}”.</p>}
      <div ref={grid} className="emoji-grid" role="grid" aria-label={q.trim() ? 'Matching emoji' : groups?.[group]?.name} onKeyDown={onGridKey}>
        {chunk(shown, COLUMNS).map((row, r) => (
          <div role="row" key={r} className="emoji-row">
            {row.map((e, c) => {
              const i = r * COLUMNS + c;
              return (
                <button
                  key={e.emoji}
                  type="button"
                  role="gridcell"
                  className="emoji-cell"
                  data-index={i}
                  tabIndex={i === active ? 0 : -1}
                  aria-label={e.name}
                  title={e.name}
                  onFocus={() => setActive(i)}
                  onClick={() => onPick(e.emoji)}
                >
                  {e.emoji}
                </button>
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}

function chunk<T>(l: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < l.length; i += n) out.push(l.slice(i, i + n));
  return out;
}
