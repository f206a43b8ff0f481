// The right-click menu of a conversation row (seed 003 "Right-click
// conversation → Add Label"): labels and tags as checkboxes, mark read or
// unread, pin. Also opened from the keyboard with Shift+F10 or the context
// menu key on the list. Arrow keys move, Esc closes; toggling a label keeps
// the menu open so several can be set at once.
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { Conversation } from '../../types';
import type { Tag } from '../settings/api';
import type { Catalogue } from './labels';

export interface RowMenuActions {
  setNames: (field: 'labels' | 'tags', names: string[]) => void;
  toggle: (field: 'labels' | 'tags', name: string) => void;
  markRead: () => void;
  markUnread: () => void;
  pin: (pinned: boolean) => void;
  close: () => void;
}

export function RowMenu({ conversation: c, cat, x, y, actions }: { conversation: Conversation; cat: Catalogue; x: number; y: number; actions: RowMenuActions }) {
  const ref = useRef<HTMLDivElement>(null);
  const [pos, setPos] = useState({ left: x, top: y });
  const [newLabel, setNewLabel] = useState('');

  // Keep the menu inside the window.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const r = el.getBoundingClientRect();
    setPos({ left: Math.max(4, Math.min(x, window.innerWidth - r.width - 4)), top: Math.max(4, Math.min(y, window.innerHeight - r.height - 4)) });
  }, [x, y]);

  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('[role^=menuitem]')?.focus();
    const away = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) actions.close();
    };
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [actions]);

  function onKey(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key === 'Escape' || e.key === 'Tab') {
      e.preventDefault();
      e.stopPropagation();
      actions.close();
      return;
    }
    if ((e.target as HTMLElement).tagName === 'INPUT') return;
    const items = Array.from(ref.current?.querySelectorAll<HTMLElement>('[role^=menuitem]') ?? []);
    const i = items.indexOf(document.activeElement as HTMLElement);
    let next = -1;
    if (e.key === 'ArrowDown') next = (i + 1) % items.length;
    else if (e.key === 'ArrowUp') next = (i - 1 + items.length) % items.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = items.length - 1;
    if (next >= 0) {
      e.preventDefault();
      e.stopPropagation();
      items[next]?.focus();
    }
  }

  const unread = c.unread_count > 0;
  return (
    <div ref={ref} className="row-menu" style={{ left: pos.left, top: pos.top }} onKeyDown={onKey} onContextMenu={(e) => e.preventDefault()}>
      <div role="menu" className="row-menu-items" aria-label={`Conversation #${c.number} with ${c.contact?.name || 'unknown contact'}`}>
      <button
        type="button"
        role="menuitem"
        tabIndex={-1}
        onClick={() => {
          if (unread) actions.markRead();
          else actions.markUnread();
          actions.close();
        }}
      >
        {unread ? 'Mark as read' : 'Mark as unread'}
      </button>
      <button
        type="button"
        role="menuitem"
        tabIndex={-1}
        onClick={() => {
          actions.pin(!c.pinned);
          actions.close();
        }}
      >
        {c.pinned ? 'Unpin' : 'Pin'}
      </button>
      <Group title="Labels" field="labels" list={cat.labels} on={c.labels} actions={actions} />
      <Group title="Tags" field="tags" list={cat.tags} on={c.tags} actions={actions} />
      </div>
      <div className="row-menu-new">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const n = newLabel.trim();
            if (!n) return;
            if (!(c.labels ?? []).some((l) => l.toLowerCase() === n.toLowerCase())) actions.setNames('labels', [...(c.labels ?? []), n]);
            setNewLabel('');
          }}
        >
          <input aria-label="New label" placeholder="New label…" maxLength={64} value={newLabel} onChange={(e) => setNewLabel(e.target.value)} />
        </form>
      </div>
    </div>
  );
}

function Group({ title, field, list, on, actions }: { title: string; field: 'labels' | 'tags'; list: Tag[]; on: string[] | null | undefined; actions: RowMenuActions }) {
  // Names on the conversation that are not (or no longer) in the catalogue are still shown, to remove them.
  const names = [...list.map((t) => ({ name: t.name, color: t.color }))];
  for (const n of on ?? []) if (!names.some((x) => x.name.toLowerCase() === n.toLowerCase())) names.push({ name: n, color: '' });
  const has = (n: string) => (on ?? []).some((x) => x.toLowerCase() === n.toLowerCase());
  return (
    <div role="group" aria-label={title} className="row-menu-group">
      <div className="row-menu-title" aria-hidden="true">
        {title}
      </div>
      {names.length === 0 && <div className="row-menu-empty muted">None yet</div>}
      {names.map((t) => (
        <button key={t.name} type="button" role="menuitemcheckbox" aria-checked={has(t.name)} tabIndex={-1} onClick={() => actions.toggle(field, t.name)}>
          <span className="row-menu-check" aria-hidden="true">
            {has(t.name) ? '✓' : ''}
          </span>
          <span className={'swatch' + (t.color ? '' : ' swatch-none')} style={t.color ? { backgroundColor: t.color } : undefined} aria-hidden="true" />
          {t.name}
        </button>
      ))}
    </div>
  );
}
