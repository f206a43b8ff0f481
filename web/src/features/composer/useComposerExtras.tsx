// The composer's teamwork half: canned replies ("/" at the start of the
// text, or Ctrl+/) rendered by the server with the conversation's values,
// and "@" mentions of colleagues in private notes. Composer.tsx calls this
// hook; everything it shows is in the returned ui.
import { useEffect, useRef, useState, type ReactNode, type RefObject } from 'react';
import type { CannedReply, Mention, Rendered } from '../collab/api';
import { CannedList, CannedSearch, MentionList } from './Pickers';
import { filterCanned, filterPeople, insertMention, mentionQuery, mentionedIds, slashQuery, unfilled } from './pickers';

export interface ComposerCollab {
  /** canned lists the canned replies the agent may use. */
  canned: () => Promise<CannedReply[]>;
  /** render fills a template for this conversation on the server. */
  render: (template: string) => Promise<Rendered>;
  /** colleagues are those who can see the conversation (mentionable). */
  colleagues: Mention[];
  /** variables lists the conversation's values by name (seed 001's variables list). */
  variables?: () => Promise<{ name: string; value: string }[]>;
}

type Picker = { kind: 'slash'; query: string } | { kind: 'search' } | { kind: 'mention'; start: number; query: string } | null;

export function useComposerExtras({
  collab,
  isNote,
  text,
  setText,
  textarea,
  setError,
}: {
  collab?: ComposerCollab;
  isNote: boolean;
  text: string;
  setText: (v: string) => void;
  textarea: RefObject<HTMLTextAreaElement | null>;
  setError: (s: string) => void;
}) {
  const [picker, setPicker] = useState<Picker>(null);
  const [active, setActive] = useState(0);
  const [replies, setReplies] = useState<CannedReply[] | null>(null);
  const [missing, setMissing] = useState<string[]>([]);
  const [vars, setVars] = useState<{ name: string; value: string }[] | null>(null);
  const [varsOpen, setVarsOpen] = useState(false);
  const picked = useRef<Mention[]>([]);
  const loading = useRef(false);

  const wantReplies = picker?.kind === 'slash' || picker?.kind === 'search';
  useEffect(() => {
    if (!collab || !wantReplies || replies || loading.current) return;
    loading.current = true;
    collab
      .canned()
      .then(setReplies, () => setReplies([]))
      .finally(() => (loading.current = false));
  }, [collab, wantReplies, replies]);

  if (!collab) {
    return { onChange: () => {}, onKeyDown: () => false, ui: null as ReactNode, mentionIds: () => [] as string[], blockReason: () => '', sent: () => {} };
  }

  const shownReplies = picker?.kind === 'slash' ? filterCanned(replies ?? [], picker.query) : [];
  const shownPeople = picker?.kind === 'mention' ? filterPeople(collab.colleagues, picker.query) : [];

  async function pickCanned(r: CannedReply) {
    const inline = picker?.kind === 'slash';
    setPicker(null);
    try {
      const out = await collab!.render(r.body);
      const el = textarea.current;
      let next: string;
      if (inline) next = out.content;
      else {
        const at = el ? el.selectionStart : text.length;
        next = text.slice(0, at) + out.content + text.slice(at);
      }
      setText(next);
      setMissing(out.missing ?? []);
      setTimeout(() => textarea.current?.focus());
    } catch (err) {
      setError((err as Error).message || 'The canned reply could not be filled in.');
    }
  }

  function pickMention(p: Mention) {
    if (picker?.kind !== 'mention') return;
    const caret = textarea.current?.selectionStart ?? text.length;
    const r = insertMention(text, picker.start, caret, p.name);
    if (!picked.current.some((x) => x.id === p.id)) picked.current.push(p);
    setPicker(null);
    setText(r.text);
    setTimeout(() => {
      const el = textarea.current;
      if (el) {
        el.focus();
        el.setSelectionRange(r.caret, r.caret);
      }
    });
  }

  function onChange(v: string) {
    const slash = slashQuery(v);
    if (slash !== null) {
      setPicker({ kind: 'slash', query: slash });
      setActive(0);
      return;
    }
    const caret = textarea.current?.selectionStart ?? v.length;
    const mq = isNote ? mentionQuery(v, caret) : null;
    if (mq) {
      setPicker({ kind: 'mention', ...mq });
      setActive(0);
      return;
    }
    if (picker?.kind !== 'search') setPicker(null);
  }

  /** onKeyDown handles the pickers' keys; true when it used the key. */
  function onKeyDown(e: React.KeyboardEvent<HTMLTextAreaElement>): boolean {
    if (e.key === '/' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      setPicker((p) => (p?.kind === 'search' ? null : { kind: 'search' }));
      return true;
    }
    if (!picker || picker.kind === 'search') return false;
    const n = picker.kind === 'slash' ? shownReplies.length : shownPeople.length;
    switch (e.key) {
      case 'ArrowDown':
      case 'ArrowUp':
        if (!n) return false;
        e.preventDefault();
        setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
        return true;
      case 'Enter':
      case 'Tab':
        if (!n || e.ctrlKey || e.metaKey) return false;
        e.preventDefault();
        if (picker.kind === 'slash') pickCanned(shownReplies[Math.min(active, n - 1)]);
        else pickMention(shownPeople[Math.min(active, n - 1)]);
        return true;
      case 'Escape':
        e.preventDefault();
        e.stopPropagation();
        setPicker(null);
        return true;
    }
    return false;
  }

  const left = unfilled(text, missing);
  function insertValue(v: string) {
    const el = textarea.current;
    const at = el ? el.selectionStart : text.length;
    setText(text.slice(0, at) + v + text.slice(at));
    setVarsOpen(false);
    setTimeout(() => textarea.current?.focus());
  }
  const ui = (
    <>
      {collab.variables && (
        <div className="composer-vars">
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            aria-expanded={varsOpen}
            onClick={() => {
              setVarsOpen((o) => !o);
              if (!vars) collab.variables!().then(setVars, () => setVars([]));
            }}
          >
            Variables
          </button>
          {varsOpen && (
            <ul className="picker" aria-label="Variables">
              {(vars ?? []).map((v) => (
                <li key={v.name}>
                  <button type="button" className="linkish" title={v.value || '(empty)'} disabled={!v.value} onClick={() => insertValue(v.value)}>
                    {'{{' + v.name + '}}'}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {picker?.kind === 'slash' && (
        <CannedList replies={replies ?? []} query={picker.query} active={active} onPick={pickCanned} onHover={setActive} />
      )}
      {picker?.kind === 'search' && <CannedSearch replies={replies ?? []} onPick={pickCanned} onClose={() => setPicker(null)} />}
      {picker?.kind === 'mention' && (
        <MentionList people={collab.colleagues} query={picker.query} active={active} onPick={pickMention} onHover={setActive} />
      )}
      {left.length > 0 && (
        <p className="composer-missing" role="status" data-testid="canned-missing">
          Fill in before sending: {left.map((v) => `{{${v}}}`).join(', ')}
        </p>
      )}
    </>
  );

  return {
    onChange,
    onKeyDown,
    ui,
    mentionIds: (t: string) => (isNote ? mentionedIds(t, picked.current) : []),
    /** blockReason says why the text may not be sent yet ('' when it may). */
    blockReason: (t: string) => {
      const l = unfilled(t, missing);
      return l.length ? `Fill in ${l.map((v) => `{{${v}}}`).join(', ')} before sending: the customer would see it as written.` : '';
    },
    sent: () => {
      setMissing([]);
      picked.current = [];
    },
  };
}
