// Drafts of the composer, per conversation, kept while the agent moves
// between conversations and screens: the reply and note text, the mode and
// the files (with their uploads under way). One store per signed-in session,
// provided by the App and cleared on sign-out and on a workspace switch; a
// composer without a provider (tests, a single screen) keeps its own.
import { createContext, useContext, useState } from 'react';
import type { ComposerMode, DraftFile } from '../../Composer';

export interface Draft {
  reply: string;
  note: string;
  mode: ComposerMode;
  /** files go with whichever of reply or note is sent. */
  files: DraftFile[];
}

type Patch = (fn: (d: Draft) => Draft) => void;

export class DraftStore {
  private drafts = new Map<string, Draft>();
  // Uploads under way, by file key, to cancel them.
  private uploading = new Map<string, AbortController>();
  // The mounted composer of each conversation: an upload that ends after the
  // agent moved on updates the kept draft instead.
  private mounted = new Map<string, Patch>();

  get(conversationId: string): Draft | undefined {
    return this.drafts.get(conversationId);
  }

  set(conversationId: string, d: Draft) {
    this.drafts.set(conversationId, d);
  }

  /** patch changes the draft: through the mounted composer's state, else the kept one. */
  patch(conversationId: string, fn: (d: Draft) => Draft) {
    const set = this.mounted.get(conversationId);
    if (set) {
      set(fn);
      return;
    }
    const d = this.drafts.get(conversationId);
    if (d) this.drafts.set(conversationId, fn(d));
  }

  /** mount registers the composer shown for a conversation; the answer unregisters it. */
  mount(conversationId: string, set: Patch): () => void {
    this.mounted.set(conversationId, set);
    return () => {
      if (this.mounted.get(conversationId) === set) this.mounted.delete(conversationId);
    };
  }

  isMounted(conversationId: string): boolean {
    return this.mounted.has(conversationId);
  }

  /** track records an upload under way; untrack forgets it when it ends. */
  track(key: string, ctl: AbortController) {
    this.uploading.set(key, ctl);
  }

  untrack(key: string) {
    this.uploading.delete(key);
  }

  /** abort cancels a file's upload (the file was removed). */
  abort(key: string) {
    this.uploading.get(key)?.abort();
    this.uploading.delete(key);
  }

  /** clear forgets every draft and cancels its uploads (sign-out, workspace switch). */
  clear() {
    for (const c of this.uploading.values()) c.abort();
    this.uploading.clear();
    this.drafts.clear();
  }
}

export const DraftsContext = createContext<DraftStore | null>(null);

/** useDraftStore answers the session's draft store, or the composer's own without a provider. */
export function useDraftStore(): DraftStore {
  const shared = useContext(DraftsContext);
  const [own] = useState(() => new DraftStore());
  return shared ?? own;
}
