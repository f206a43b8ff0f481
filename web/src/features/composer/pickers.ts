// Pure helpers of the composer's pickers: what the text asks for, and how
// a pick changes it. Kept apart from the components so they are tested
// without a DOM.
import type { CannedReply, Mention } from '../collab/api';

/** slashQuery is the canned-reply search when the text is "/code" at its start, else null. */
export function slashQuery(text: string): string | null {
  const m = /^\/(\S*)$/.exec(text);
  return m ? m[1] : null;
}

/** mentionQuery finds "@name" being typed just before the caret: its start and query, or null. */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const m = /(^|\s)@([^\s@]{0,40})$/.exec(before);
  if (!m) return null;
  return { start: before.length - m[2].length - 1, query: m[2] };
}

/** filterCanned matches a query against short code, title and category, best first. */
export function filterCanned(list: CannedReply[], query: string): CannedReply[] {
  const q = query.trim().toLowerCase();
  if (!q) return list;
  const score = (r: CannedReply) => {
    const code = r.short_code.toLowerCase();
    if (code === q) return 0;
    if (code.startsWith(q)) return 1;
    if (code.includes(q)) return 2;
    if (r.title.toLowerCase().includes(q)) return 3;
    if (r.category.toLowerCase().includes(q)) return 4;
    return -1;
  };
  return list
    .map((r) => [score(r), r] as const)
    .filter(([s]) => s >= 0)
    .sort((a, b) => a[0] - b[0])
    .map(([, r]) => r);
}

/** filterPeople matches a query against names. */
export function filterPeople(list: Mention[], query: string): Mention[] {
  const q = query.toLowerCase();
  return list.filter((p) => p.name.toLowerCase().includes(q));
}

/** insertMention replaces "@query" at start with "@Name ". */
export function insertMention(text: string, start: number, caret: number, name: string): { text: string; caret: number } {
  const ins = '@' + name + ' ';
  return { text: text.slice(0, start) + ins + text.slice(caret), caret: start + ins.length };
}

/** mentionedIds are the picked colleagues whose "@Name" is still in the text. */
export function mentionedIds(text: string, picked: Mention[]): string[] {
  const out: string[] = [];
  for (const p of picked) if (text.includes('@' + p.name) && !out.includes(p.id)) out.push(p.id);
  return out;
}

/** unfilled are the missing variables still written as {{…}} in the text. */
export function unfilled(text: string, missing: string[]): string[] {
  return missing.filter((v) => new RegExp('\\{\\{-?\\s*' + v.replace(/\./g, '\\.') + '\\s*(\\|[^}]*)?-?\\}\\}').test(text));
}
