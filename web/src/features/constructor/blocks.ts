// The constructor's blocks and the pure helpers the panel uses.
import { ApiError, request } from '../../api';

export type BlockType = 'text' | 'image' | 'link' | 'video' | 'file' | 'template';

/** Block is one piece of a constructor message, as POST …/constructor takes it. */
export interface Block {
  type: BlockType;
  text?: string;
  attachment_id?: string;
  caption?: string;
  url?: string;
  title?: string;
  description?: string;
  image_url?: string;
  canned_reply_id?: string;
}

/** EditBlock is a block in the panel: a stable key and the uploaded file's name. */
export interface EditBlock extends Block {
  key: string;
  file_name?: string;
}

export interface LinkPreview {
  url: string;
  title: string;
  description: string;
  image_url: string;
  site_name: string;
}

export const BLOCK_LABELS: Record<BlockType, string> = {
  text: 'Text',
  image: 'Image',
  link: 'Link',
  video: 'Video',
  file: 'File',
  template: 'Template',
};

/** ACCEPT is what the file chooser of a media block offers. */
export const ACCEPT: Partial<Record<BlockType, string>> = { image: 'image/*', video: 'video/*', file: '' };

let seq = 0;
export function newBlock(type: BlockType): EditBlock {
  seq += 1;
  return { key: `b${Date.now().toString(36)}${seq}`, type };
}

/** move returns blocks with the one at i moved by delta (-1 up, +1 down); out of range leaves them. */
export function move<T>(blocks: T[], i: number, delta: number): T[] {
  const j = i + delta;
  if (i < 0 || i >= blocks.length || j < 0 || j >= blocks.length) return blocks;
  const out = [...blocks];
  [out[i], out[j]] = [out[j], out[i]];
  return out;
}

/** wire strips the panel's own fields and empty values: what the server keeps or sends. */
export function wire(blocks: EditBlock[]): Block[] {
  return blocks.map((b) => {
    const out: Block = { type: b.type };
    for (const k of ['text', 'attachment_id', 'caption', 'url', 'title', 'description', 'image_url', 'canned_reply_id'] as const) {
      const v = b[k];
      if (v) out[k] = v;
    }
    return out;
  });
}

/** ready says why the message cannot be sent yet ('' when it can). */
export function notReady(blocks: EditBlock[]): string {
  if (blocks.length === 0) return 'Add a block first.';
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    const n = `Block ${i + 1} (${BLOCK_LABELS[b.type]})`;
    if (b.type === 'text' && !b.text?.trim()) return `${n} is empty.`;
    if ((b.type === 'image' || b.type === 'video' || b.type === 'file') && !b.attachment_id) return `${n} has no file yet.`;
    if (b.type === 'link' && !/^https?:\/\/\S+$/i.test(b.url ?? '')) return `${n} needs an http(s) link.`;
    if (b.type === 'template' && !b.canned_reply_id) return `${n} has no canned reply chosen.`;
  }
  return '';
}

/** blockIndex reads the block a problem names (body.blocks[2].url → 2), -1 when none. */
export function blockIndex(err: unknown): number {
  const errs = err instanceof ApiError ? (err.problem?.errors ?? []) : [];
  for (const e of errs) {
    const m = /blocks\[(\d+)\]/.exec(e.location ?? '');
    if (m) return Number(m[1]);
  }
  return -1;
}

export const constructorApi = {
  draft: (ws: string, cid: string) =>
    request<{ blocks: Block[] }>(`/workspaces/${ws}/conversations/${cid}/constructor-draft`).then(
      (d) => d.blocks ?? [],
      (err) => {
        if (err instanceof ApiError && err.status === 404) return [] as Block[];
        throw err;
      },
    ),
  saveDraft: (ws: string, cid: string, blocks: Block[]) =>
    blocks.length
      ? request<unknown>(`/workspaces/${ws}/conversations/${cid}/constructor-draft`, { method: 'PUT', body: { blocks } })
      : request<void>(`/workspaces/${ws}/conversations/${cid}/constructor-draft`, { method: 'DELETE' }),
  send: (ws: string, cid: string, blocks: Block[], inboxId?: string) =>
    request<{ items: unknown[] }>(`/workspaces/${ws}/conversations/${cid}/constructor`, {
      method: 'POST',
      body: inboxId ? { blocks, inbox_id: inboxId } : { blocks },
    }),
  preview: (ws: string, url: string, signal?: AbortSignal) =>
    request<LinkPreview>(`/workspaces/${ws}/link-preview?url=${encodeURIComponent(url)}`, { signal }),
  canned: (ws: string) =>
    request<{ items: { id: string; short_code: string; title: string; body: string }[] }>(`/workspaces/${ws}/canned-replies`),
};
