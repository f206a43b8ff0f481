// useRowMenu gives the inbox its right-click menu on list rows: which row
// it is open on, the catalogue for colours, and the calls behind each item.
// The inbox only wires the row's onContextMenu, the list's key handler and
// the returned menu element.
import { useCallback, useMemo, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { api } from '../../api';
import type { Conversation } from '../../types';
import { readApi } from '../collab/ReadControls';
import { RowMenu, type RowMenuActions } from './RowMenu';
import { diffNames, rowColour, toggle, useCatalogue } from './labels';

export function useRowMenu({
  ws,
  items,
  onUpdated,
  markRead,
  onUnread,
  onPinned,
  announce,
}: {
  ws: string;
  items: Conversation[];
  onUpdated: (c: Conversation) => void;
  markRead: (id: string) => void;
  onUnread: (id: string) => void;
  onPinned: (id: string, pinned: boolean) => void;
  announce: (s: string) => void;
}) {
  const { cat, reload } = useCatalogue(ws);
  const [at, setAt] = useState<{ id: string; x: number; y: number; back: HTMLElement | null } | null>(null);
  const c = at ? items.find((x) => x.id === at.id) : undefined;

  const open = useCallback(
    (id: string, x: number, y: number) => {
      reload();
      setAt({ id, x, y, back: document.activeElement as HTMLElement | null });
    },
    [reload],
  );

  const onContextMenu = useCallback(
    (conv: Conversation, e: MouseEvent) => {
      e.preventDefault();
      open(conv.id, e.clientX, e.clientY);
    },
    [open],
  );

  /** onListKey opens the menu for the active row on Shift+F10 or the context-menu key; true when it did. */
  const onListKey = useCallback(
    (e: KeyboardEvent, active: Conversation | undefined) => {
      if (!active || !(e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey))) return false;
      e.preventDefault();
      const r = document.getElementById('conv-' + active.id)?.getBoundingClientRect();
      open(active.id, r ? r.left + 24 : 40, r ? r.bottom - 8 : 40);
      return true;
    },
    [open],
  );

  const actions = useMemo<RowMenuActions | null>(() => {
    if (!c) return null;
    const setNames = (field: 'labels' | 'tags', names: string[]) => {
      api.editNames(ws, c.id, field, diffNames(c[field], names)).then(
        (u) => {
          onUpdated(u);
          announce(`${field === 'labels' ? 'Labels' : 'Tags'} of #${u.number}: ${(u[field] ?? []).join(', ') || 'none'}`);
        },
        (err) => announce((err as Error).message),
      );
    };
    return {
      setNames,
      toggle: (field, name) => setNames(field, toggle(c[field], name)),
      markRead: () => markRead(c.id),
      markUnread: () =>
        readApi.unread(ws, c.id).then(
          () => onUnread(c.id),
          (err) => announce((err as Error).message),
        ),
      pin: (pinned) =>
        api.pin(ws, c.id, pinned).then(
          () => onPinned(c.id, pinned),
          (err) => announce((err as Error).message),
        ),
      close: () => {
        const back = at?.back;
        setAt(null);
        setTimeout(() => back?.focus());
      },
    };
  }, [c, ws, at, onUpdated, markRead, onUnread, onPinned, announce]);

  const menu = c && at && actions ? <RowMenu conversation={c} cat={cat} x={at.x} y={at.y} actions={actions} /> : null;
  const colourOfRow = useCallback((labels: string[] | null | undefined) => rowColour(labels, cat.labels), [cat.labels]);
  return { onContextMenu, onListKey, menu, cat, colourOfRow, menuOpenFor: at?.id ?? '' };
}
