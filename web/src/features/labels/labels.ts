// Tags and labels on conversations: the workspace's catalogue (names and
// colours, managed by admins under Settings) and the pure helpers the list
// row, its right-click menu and the details panel share.
import { useCallback, useEffect, useState } from 'react';
import { settingsApi, type Tag, type TagKind } from '../settings/api';

export interface Catalogue {
  tags: Tag[];
  labels: Tag[];
}

/** useCatalogue loads both lists once; reload fetches them again (menus call it on open). */
export function useCatalogue(ws: string) {
  const [cat, setCat] = useState<Catalogue>({ tags: [], labels: [] });
  const reload = useCallback(() => {
    Promise.all([settingsApi.tags(ws, 'tags'), settingsApi.tags(ws, 'labels')]).then(
      ([t, l]) => setCat({ tags: sortByName(t?.items ?? []), labels: sortByName(l?.items ?? []) }),
      () => {},
    );
  }, [ws]);
  useEffect(reload, [reload]);
  return { cat, reload };
}

function sortByName(l: Tag[]): Tag[] {
  return [...l].sort((a, b) => a.name.localeCompare(b.name));
}

/** toggle adds name to the list or removes it (names compare case-insensitively, as the server keeps them). */
export function toggle(list: string[] | null | undefined, name: string): string[] {
  const l = list ?? [];
  const has = l.some((n) => n.toLowerCase() === name.toLowerCase());
  return has ? l.filter((n) => n.toLowerCase() !== name.toLowerCase()) : [...l, name];
}

/** diffNames is what turns cur into next: the names to add and to remove, for PATCH …/labels (spelled as in each list). */
export function diffNames(cur: string[] | null | undefined, next: string[]): { add: string[]; remove: string[] } {
  const c = cur ?? [];
  return { add: next.filter((n) => !c.includes(n)), remove: c.filter((n) => !next.includes(n)) };
}

/** colourOf answers the catalogue colour of a name ('' when it has none). */
export function colourOf(cat: Tag[], name: string): string {
  return cat.find((t) => t.name.toLowerCase() === name.toLowerCase())?.color ?? '';
}

/** rowColour answers the colour a labelled row is highlighted with: its first coloured label's. */
export function rowColour(labels: string[] | null | undefined, cat: Tag[]): string {
  for (const n of labels ?? []) {
    const c = colourOf(cat, n);
    if (c) return c;
  }
  return '';
}

export const KIND_FIELD: Record<TagKind, 'tags' | 'labels'> = { tags: 'tags', labels: 'labels' };
