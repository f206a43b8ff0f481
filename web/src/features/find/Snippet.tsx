// A search snippet from the server: text escaped as HTML with the matches
// in <mark>. It is never put in the page as HTML: the text is decoded and
// rendered as text, and <mark> is the only element made from it.
import { Fragment } from 'react';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'", '#34': '"' };

/** decodeEntities turns the escapes an HTML snippet uses back into text. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, name: string) => {
    const known = ENTITIES[name.toLowerCase()];
    if (known !== undefined) return known;
    if (name[0] === '#') {
      const code = name[1].toLowerCase() === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      if (Number.isFinite(code) && code > 0 && code <= 0x10ffff) return String.fromCodePoint(code);
    }
    return all;
  });
}

/** snippetParts splits a snippet into text and marked text. */
export function snippetParts(html: string): { text: string; mark: boolean }[] {
  const out: { text: string; mark: boolean }[] = [];
  let mark = false;
  for (const piece of html.split(/(<\/?mark>)/i)) {
    const tag = piece.toLowerCase();
    if (tag === '<mark>') mark = true;
    else if (tag === '</mark>') mark = false;
    else if (piece) out.push({ text: decodeEntities(piece.replace(/<[^>]*>/g, '')), mark });
  }
  return out;
}

/** markedWords answers the distinct words a snippet marks (to highlight them in a thread). */
export function markedWords(html: string): string[] {
  const set = new Set<string>();
  for (const p of snippetParts(html)) if (p.mark && p.text.trim()) set.add(p.text.trim().toLowerCase());
  return Array.from(set);
}

export function Snippet({ html }: { html: string }) {
  return (
    <span className="snippet">
      {snippetParts(html).map((p, i) => (p.mark ? <mark key={i}>{p.text}</mark> : <Fragment key={i}>{p.text}</Fragment>))}
    </span>
  );
}
