// Live counts pushed over the inbox's WebSocket ("counts" elements, asked
// for with counts=1), handed to the find screens (saved filters, dashboard).
import { useEffect, useRef } from 'react';
import type { ViewCounts } from './api';

type Listener = (c: ViewCounts) => void;
const listeners = new Set<Listener>();

/** emitCounts passes a pushed counts object to the listening screens. */
export function emitCounts(c: ViewCounts) {
  for (const l of listeners) l(c);
}

/** useCountsPush calls fn with each pushed counts object while mounted. */
export function useCountsPush(fn: Listener) {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    const l: Listener = (c) => ref.current(c);
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, []);
}
