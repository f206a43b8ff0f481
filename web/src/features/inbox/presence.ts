// Colleagues typing in and viewing conversations: presence signals kept
// until they are turned off or expire (a colleague closed the tab).
import { useCallback, useEffect, useState } from 'react';
import type { Presence } from '../../types';

export const TYPING_TTL = 8000;
export const VIEWING_TTL = 75000;

export interface PresenceEntry {
  name: string;
  typingUntil: number;
  viewingUntil: number;
}

/** PresenceMap is, per conversation, per user, until when they type and view. */
export type PresenceMap = Record<string, Record<string, PresenceEntry>>;

/** applyPresence records one presence signal of a colleague (the reader's own are ignored). */
export function applyPresence(all: PresenceMap, p: Presence, meId: string, now: number): PresenceMap {
  const d = p.data;
  if (!d?.conversation_id || !d.user?.id || d.user.id === meId) return all;
  const conv = { ...(all[d.conversation_id] ?? {}) };
  const prev = conv[d.user.id] ?? { name: d.user.name, typingUntil: 0, viewingUntil: 0 };
  const until = d.state === 'on' ? now + (p.type === 'typing' ? TYPING_TTL : VIEWING_TTL) : 0;
  const next = { ...prev, name: d.user.name || prev.name };
  if (p.type === 'typing') next.typingUntil = until;
  else next.viewingUntil = until;
  conv[d.user.id] = next;
  return { ...all, [d.conversation_id]: conv };
}

/** expirePresence drops signals past their time; it answers the same map when nothing expired. */
export function expirePresence(all: PresenceMap, now: number): PresenceMap {
  let changed = false;
  const out: PresenceMap = {};
  for (const [cid, users] of Object.entries(all)) {
    const kept: Record<string, PresenceEntry> = {};
    for (const [uid, e] of Object.entries(users)) {
      const typingUntil = e.typingUntil > now ? e.typingUntil : 0;
      const viewingUntil = e.viewingUntil > now ? e.viewingUntil : 0;
      if (typingUntil !== e.typingUntil || viewingUntil !== e.viewingUntil) changed = true;
      if (typingUntil || viewingUntil) kept[uid] = { ...e, typingUntil, viewingUntil };
    }
    if (Object.keys(kept).length) out[cid] = kept;
  }
  return changed ? out : all;
}

export function usePresence(meId: string) {
  const [presence, setPresence] = useState<PresenceMap>({});
  const onPresence = useCallback((p: Presence) => setPresence((all) => applyPresence(all, p, meId, Date.now())), [meId]);

  // Expire presence that was never turned off.
  const hasPresence = Object.keys(presence).length > 0;
  useEffect(() => {
    if (!hasPresence) return;
    const t = setInterval(() => setPresence((all) => expirePresence(all, Date.now())), 1000);
    return () => clearInterval(t);
  }, [hasPresence]);

  return { presence, onPresence };
}
