// The composer's message constructor: a message built from blocks (text,
// image, link with its preview, video, file, canned-reply template, with
// captions), reordered with buttons, kept on the server as it is edited
// (the list shows an indicator next to the customer's name) and sent as
// the channel messages the server decides (POST …/constructor).
import { useEffect, useRef, useState } from 'react';
import { api } from '../../api';
import {
  ACCEPT,
  BLOCK_LABELS,
  type Block,
  type BlockType,
  blockIndex,
  constructorApi,
  type EditBlock,
  type LinkPreview,
  move,
  newBlock,
  notReady,
  wire,
} from './blocks';

/** SAVE_MS is how long editing must pause before the unfinished message is kept on the server. */
export const SAVE_MS = 600;

export interface ConstructorPanelProps {
  ws: string;
  conversationId: string;
  /** inboxId sends through another of the contact's channels ('' the conversation's). */
  inboxId?: string;
  channelName: string;
  onClose: () => void;
  /** onDraft says whether an unfinished constructor message is kept (the list's indicator). */
  onDraft?: (has: boolean) => void;
  onSent?: () => void;
}

type Canned = { id: string; short_code: string; title: string };

export function ConstructorPanel({ ws, conversationId, inboxId, channelName, onClose, onDraft, onSent }: ConstructorPanelProps) {
  const [blocks, setBlocks] = useState<EditBlock[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState('');
  const [badBlock, setBadBlock] = useState(-1);
  const [sending, setSending] = useState(false);
  const [status, setStatus] = useState('');
  const [canned, setCanned] = useState<Canned[] | null>(null);
  const dirty = useRef(false);
  const saveTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef<EditBlock[]>([]);
  latest.current = blocks;
  const onDraftRef = useRef(onDraft);
  onDraftRef.current = onDraft;

  useEffect(() => {
    let live = true;
    constructorApi.draft(ws, conversationId).then(
      (bs) => {
        if (!live) return;
        setBlocks(bs.map((b) => ({ ...newBlock(b.type), ...b })));
        setLoaded(true);
      },
      (err) => {
        if (!live) return;
        setError((err as Error).message);
        setLoaded(true);
      },
    );
    return () => {
      live = false;
    };
  }, [ws, conversationId]);

  const needsCanned = blocks.some((b) => b.type === 'template');
  useEffect(() => {
    if (!needsCanned || canned) return;
    constructorApi.canned(ws).then(
      (r) => setCanned(r.items ?? []),
      () => setCanned([]),
    );
  }, [needsCanned, canned, ws]);

  // Keep the unfinished message on the server once editing pauses, and
  // when the panel closes with a change not yet kept.
  function save(now = false) {
    if (saveTimer.current) clearTimeout(saveTimer.current);
    const run = () => {
      saveTimer.current = null;
      if (!dirty.current) return;
      dirty.current = false;
      const bs = wire(latest.current);
      constructorApi.saveDraft(ws, conversationId, bs).then(
        () => onDraftRef.current?.(bs.length > 0),
        (err) => setError((err as Error).message),
      );
    };
    if (now) run();
    else saveTimer.current = setTimeout(run, SAVE_MS);
  }
  useEffect(
    () => () => {
      if (saveTimer.current) save(true);
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );

  function change(next: EditBlock[]) {
    setBlocks(next);
    latest.current = next;
    dirty.current = true;
    setBadBlock(-1);
    save();
  }
  const update = (i: number, patch: Partial<EditBlock>) => change(blocks.map((b, j) => (j === i ? { ...b, ...patch } : b)));

  function add(type: BlockType) {
    change([...blocks, newBlock(type)]);
    setStatus(`${BLOCK_LABELS[type]} block added as block ${blocks.length + 1}.`);
    setTimeout(() => document.getElementById(`ctor-${conversationId}-${blocks.length}`)?.querySelector<HTMLElement>('input, textarea, select')?.focus());
  }

  async function send() {
    const why = notReady(blocks);
    if (why) {
      setError(why);
      return;
    }
    setSending(true);
    setError('');
    try {
      if (saveTimer.current) clearTimeout(saveTimer.current);
      dirty.current = false;
      const r = await constructorApi.send(ws, conversationId, wire(blocks), inboxId || undefined);
      setBlocks([]);
      latest.current = [];
      onDraftRef.current?.(false);
      setStatus(`Sent as ${r.items.length} message${r.items.length === 1 ? '' : 's'}.`);
      onSent?.();
    } catch (err) {
      setError((err as Error).message);
      setBadBlock(blockIndex(err));
    } finally {
      setSending(false);
    }
  }

  return (
    <section className="constructor" aria-label="Message constructor">
      <header className="constructor-head">
        <h2 className="constructor-title">Message constructor</h2>
        <span className="muted">Sent by {channelName} as the channel allows</span>
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => { save(true); onClose(); }}>
          Close
        </button>
      </header>
      <span className="sr-only" role="status" aria-live="polite">
        {status}
      </span>
      {!loaded ? (
        <p className="muted">Loading…</p>
      ) : (
        <ol className="constructor-blocks" aria-label="Blocks">
          {blocks.map((b, i) => (
            <li key={b.key} id={`ctor-${conversationId}-${i}`} className={'constructor-block' + (i === badBlock ? ' constructor-bad' : '')}>
              <fieldset>
                <legend>
                  Block {i + 1}: {BLOCK_LABELS[b.type]}
                </legend>
                <BlockFields ws={ws} b={b} i={i} canned={canned} update={(p) => update(i, p)} onError={setError} />
                <div className="constructor-moves">
                  <button type="button" className="btn btn-ghost btn-sm" aria-label={`Move block ${i + 1} up`} disabled={i === 0} onClick={() => change(move(blocks, i, -1))}>
                    ↑
                  </button>
                  <button
                    type="button"
                    className="btn btn-ghost btn-sm"
                    aria-label={`Move block ${i + 1} down`}
                    disabled={i === blocks.length - 1}
                    onClick={() => change(move(blocks, i, 1))}
                  >
                    ↓
                  </button>
                  <button type="button" className="btn btn-ghost btn-sm" aria-label={`Remove block ${i + 1}`} onClick={() => change(blocks.filter((_, j) => j !== i))}>
                    ✕
                  </button>
                </div>
              </fieldset>
            </li>
          ))}
        </ol>
      )}
      <div className="constructor-add" role="group" aria-label="Add a block">
        {(Object.keys(BLOCK_LABELS) as BlockType[]).map((t) => (
          <button key={t} type="button" className="btn btn-sm" onClick={() => add(t)}>
            + {BLOCK_LABELS[t]}
          </button>
        ))}
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="constructor-foot">
        <button type="button" className="btn btn-primary" disabled={sending || !loaded || blocks.length === 0} onClick={send}>
          {sending ? 'Sending…' : 'Send message'}
        </button>
      </div>
    </section>
  );
}

function BlockFields({
  ws,
  b,
  i,
  canned,
  update,
  onError,
}: {
  ws: string;
  b: EditBlock;
  i: number;
  canned: Canned[] | null;
  update: (p: Partial<EditBlock>) => void;
  onError: (m: string) => void;
}) {
  const n = `block ${i + 1}`;
  switch (b.type) {
    case 'text':
      return (
        <textarea aria-label={`Text of ${n}`} rows={3} value={b.text ?? ''} onChange={(e) => update({ text: e.target.value })} />
      );
    case 'image':
    case 'video':
    case 'file':
      return <MediaFields ws={ws} b={b} n={n} update={update} onError={onError} />;
    case 'link':
      return <LinkFields ws={ws} b={b} n={n} update={update} />;
    case 'template':
      return (
        <select aria-label={`Canned reply of ${n}`} value={b.canned_reply_id ?? ''} onChange={(e) => update({ canned_reply_id: e.target.value, text: '' })}>
          <option value="">{canned === null ? 'Loading…' : canned.length ? 'Choose a canned reply…' : 'No canned replies yet'}</option>
          {(canned ?? []).map((c) => (
            <option key={c.id} value={c.id}>
              {c.short_code} — {c.title}
            </option>
          ))}
        </select>
      );
  }
}

function MediaFields({ ws, b, n, update, onError }: { ws: string; b: EditBlock; n: string; update: (p: Partial<Block> & { file_name?: string }) => void; onError: (m: string) => void }) {
  const [busy, setBusy] = useState(false);
  return (
    <>
      <label className="constructor-file">
        <span>{b.file_name ? `File: ${b.file_name}` : busy ? 'Uploading…' : `Choose the ${b.type}`}</span>
        <input
          type="file"
          aria-label={`File of ${n}`}
          accept={ACCEPT[b.type] || undefined}
          disabled={busy}
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (!f) return;
            setBusy(true);
            api.upload(ws, f).then(
              (a) => update({ attachment_id: a.id, file_name: a.file_name || f.name }),
              (err) => onError((err as Error).message),
            ).finally(() => setBusy(false));
          }}
        />
      </label>
      <input aria-label={`Caption of ${n}`} placeholder="Caption (optional)" maxLength={1024} value={b.caption ?? ''} onChange={(e) => update({ caption: e.target.value })} />
    </>
  );
}

function LinkFields({ ws, b, n, update }: { ws: string; b: EditBlock; n: string; update: (p: Partial<Block>) => void }) {
  const [state, setState] = useState<'' | 'loading' | 'error'>('');
  const [why, setWhy] = useState('');
  const asked = useRef('');
  function preview(url: string) {
    if (!/^https?:\/\/\S+$/i.test(url) || asked.current === url) return;
    asked.current = url;
    setState('loading');
    constructorApi.preview(ws, url).then(
      (p: LinkPreview) => {
        setState('');
        update({ url, title: p.title, description: p.description, image_url: p.image_url });
      },
      (err) => {
        setState('error');
        setWhy((err as Error).message);
      },
    );
  }
  return (
    <>
      <input
        type="url"
        aria-label={`Link of ${n}`}
        placeholder="https://…"
        value={b.url ?? ''}
        onChange={(e) => update({ url: e.target.value, title: '', description: '', image_url: '' })}
        onBlur={(e) => preview(e.target.value.trim())}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            preview((e.target as HTMLInputElement).value.trim());
          }
        }}
      />
      <input aria-label={`Caption of ${n}`} placeholder="Caption (optional)" maxLength={1024} value={b.caption ?? ''} onChange={(e) => update({ caption: e.target.value })} />
      {state === 'loading' && <p className="muted">Fetching the preview…</p>}
      {state === 'error' && <p className="muted">No preview: {why}</p>}
      {b.title && (
        <div className="link-card" data-testid="link-card">
          {b.image_url?.startsWith('https://') && <img src={b.image_url} alt="" referrerPolicy="no-referrer" />}
          <div>
            <strong>{b.title}</strong>
            {b.description && <p className="muted">{b.description}</p>}
          </div>
        </div>
      )}
    </>
  );
}
