// useReveal brings one message of the open thread into view, loading older
// pages until it is there (a search hit may be far back in a long thread).
import { useEffect, useRef } from 'react';
import type { Message } from '../../types';
import { scrollToMessage } from './highlight';

export interface ThreadPaging {
  messages: Message[];
  hasOlder: boolean;
  busy: boolean;
  loadOlder: () => void;
}

/** threadRoot is the open thread's scrolling message list. */
export function threadRoot(): HTMLElement | null {
  return document.querySelector<HTMLElement>('.thread .messages');
}

/**
 * useReveal scrolls to target once it is loaded (paging back for it), then
 * calls onShown once per target. key tells targets apart when the same id
 * is asked for again (stepping back to a hit).
 */
export function useReveal(target: string, key: string, t: ThreadPaging, onShown?: (found: boolean) => void) {
  const done = useRef('');
  const shown = useRef(onShown);
  shown.current = onShown;
  const { messages, hasOlder, busy, loadOlder } = t;
  useEffect(() => {
    if (!target || done.current === key) return;
    if (messages.some((m) => m.id === target)) {
      // Wait a frame: the list renders (and scrolls to its bottom) first.
      const raf = requestAnimationFrame(() => {
        done.current = key;
        scrollToMessage(threadRoot(), target);
        shown.current?.(true);
      });
      return () => cancelAnimationFrame(raf);
    }
    if (busy) return;
    if (hasOlder) loadOlder();
    else if (messages.length) {
      done.current = key;
      shown.current?.(false);
    }
  }, [target, key, messages, hasOlder, busy, loadOlder]);
}
