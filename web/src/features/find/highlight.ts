// Highlights words in the open thread with the CSS Custom Highlight API:
// ranges over the message text, so React's elements are never touched.
// "find-match" marks every match, "find-current" those of the current hit.

interface HighlightRegistry {
  set(name: string, h: unknown): void;
  delete(name: string): void;
}

function registry(): { reg: HighlightRegistry; make: (ranges: Range[]) => unknown } | null {
  const css = (globalThis as { CSS?: { highlights?: HighlightRegistry } }).CSS;
  const H = (globalThis as { Highlight?: new (...r: Range[]) => unknown }).Highlight;
  if (!css?.highlights || !H) return null;
  return { reg: css.highlights, make: (ranges) => new H(...ranges) };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** rangesOf finds the ranges where any of words occurs in el's text. */
export function rangesOf(el: Element, words: string[]): Range[] {
  const ws = words.map((w) => w.trim()).filter(Boolean);
  if (!ws.length) return [];
  const re = new RegExp(ws.map(escapeRe).sort((a, b) => b.length - a.length).join('|'), 'gi');
  const out: Range[] = [];
  const walker = el.ownerDocument.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.nodeValue ?? '';
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (!m[0]) break;
      const r = el.ownerDocument.createRange();
      r.setStart(n, m.index);
      r.setEnd(n, m.index + m[0].length);
      out.push(r);
    }
  }
  return out;
}

/**
 * highlightThread marks words in the bubbles of the given messages (all
 * loaded ones when ids is null) and those of current apart. Answers the
 * number of matches marked.
 */
export function highlightThread(root: Element | null, words: string[], ids: Set<string> | null, current: string): number {
  const r = registry();
  if (!r) return 0;
  const all: Range[] = [];
  const cur: Range[] = [];
  if (root && words.length) {
    for (const li of Array.from(root.querySelectorAll<HTMLElement>('[data-message-id]'))) {
      const id = li.dataset.messageId ?? '';
      if (ids && !ids.has(id)) continue;
      const bubble = li.querySelector('.bubble');
      if (!bubble) continue;
      const found = rangesOf(bubble, words);
      all.push(...found);
      if (id === current) cur.push(...found);
    }
  }
  if (all.length) r.reg.set('find-match', r.make(all));
  else r.reg.delete('find-match');
  if (cur.length) r.reg.set('find-current', r.make(cur));
  else r.reg.delete('find-current');
  return all.length;
}

export function clearHighlights() {
  const r = registry();
  r?.reg.delete('find-match');
  r?.reg.delete('find-current');
}

/** scrollToMessage brings a loaded message into view; false when it is not loaded. */
export function scrollToMessage(root: ParentNode | null, id: string): boolean {
  const el = root?.querySelector<HTMLElement>(`[data-message-id="${id.replace(/["\\]/g, '\\$&')}"]`);
  if (!el) return false;
  el.scrollIntoView({ block: 'center' });
  // React never sets this attribute, so a re-render keeps it.
  root?.querySelectorAll('[data-find-hit]').forEach((x) => x.removeAttribute('data-find-hit'));
  el.setAttribute('data-find-hit', 'true');
  return true;
}
