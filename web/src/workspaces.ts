// Which workspace the app opens: the one last chosen on this browser
// (localStorage), else the first the server lists.
import type { WorkspaceRef } from './types';

const KEY = 'parley.workspace';

/** rememberWorkspace keeps the choice for the next visit. */
export function rememberWorkspace(id: string) {
  try {
    localStorage.setItem(KEY, id);
  } catch {
    // Private mode: the choice lasts this visit only.
  }
}

/** pickWorkspace returns the remembered workspace when the user is still in it, else the first. */
export function pickWorkspace(list: WorkspaceRef[] | null | undefined): WorkspaceRef | undefined {
  if (!list || list.length === 0) return undefined;
  let id: string | null = null;
  try {
    id = localStorage.getItem(KEY);
  } catch {
    id = null;
  }
  return list.find((w) => w.id === id) ?? list[0];
}
