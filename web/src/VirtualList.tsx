// A small fixed-row-height windowed list: only the rows in view (plus a few
// above and below) are in the DOM, so 10,000 conversations scroll smoothly.
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

export interface VirtualListProps<T> {
  items: T[];
  rowHeight: number;
  itemKey: (item: T) => string;
  renderRow: (item: T, index: number) => ReactNode;
  /** activeIndex is kept in view when it changes. */
  activeIndex?: number;
  overscan?: number;
  /** onEndReached is called when the last rows come into view. */
  onEndReached?: () => void;
  endThreshold?: number;
  className?: string;
  label: string;
  id?: string;
  activeDescendant?: string;
  onKeyDown?: (e: KeyboardEvent<HTMLDivElement>) => void;
}

/** The most rows ever mounted at once, whatever the list's length. */
export const MAX_WINDOW = 60;

export function VirtualList<T>(props: VirtualListProps<T>) {
  const { items, rowHeight, overscan = 6, activeIndex = -1, onEndReached, endThreshold = 10 } = props;
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setHeight(el.clientHeight || 600);
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Keep the active row in view.
  useEffect(() => {
    const el = ref.current;
    if (!el || activeIndex < 0) return;
    const top = activeIndex * rowHeight;
    const bottom = top + rowHeight;
    if (top < el.scrollTop) {
      el.scrollTop = top;
      setScrollTop(top);
    } else if (bottom > el.scrollTop + el.clientHeight && el.clientHeight > 0) {
      el.scrollTop = bottom - el.clientHeight;
      setScrollTop(el.scrollTop);
    }
  }, [activeIndex, rowHeight]);

  const total = items.length;
  const visible = Math.ceil(height / rowHeight);
  let start = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  let end = Math.min(total, start + visible + overscan * 2);
  if (end - start > MAX_WINDOW) end = start + MAX_WINDOW;
  // The active row is always rendered so aria-activedescendant points at a real element.
  if (activeIndex >= 0 && activeIndex < total && (activeIndex < start || activeIndex >= end)) {
    start = Math.max(0, Math.min(activeIndex, total - visible));
    end = Math.min(total, start + Math.min(MAX_WINDOW, visible + overscan * 2));
  }

  const endReachedFor = useRef(-1);
  useEffect(() => {
    if (!onEndReached) return;
    if (end >= total - endThreshold && endReachedFor.current !== total) {
      endReachedFor.current = total;
      onEndReached();
    }
  }, [end, total, endThreshold, onEndReached]);

  const rows: ReactNode[] = [];
  for (let i = start; i < end; i++) {
    const item = items[i];
    rows.push(
      <div
        key={props.itemKey(item)}
        className="vrow"
        role="presentation"
        style={{ transform: `translateY(${i * rowHeight}px)`, height: rowHeight }}
      >
        {props.renderRow(item, i)}
      </div>,
    );
  }

  return (
    <div
      ref={ref}
      id={props.id}
      className={'vlist ' + (props.className ?? '')}
      role="listbox"
      aria-label={props.label}
      tabIndex={0}
      aria-activedescendant={props.activeDescendant}
      onKeyDown={props.onKeyDown}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
    >
      <div className="vlist-spacer" role="presentation" style={{ height: total * rowHeight }}>
        {rows}
      </div>
    </div>
  );
}

