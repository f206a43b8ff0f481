import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api';
import { mockFetch, reply } from '../../test/fakes';
import { blockIndex, move, newBlock, notReady, wire } from './blocks';
import { ConstructorPanel } from './ConstructorPanel';

describe('constructor helpers', () => {
  it('moves a block up and down, and not past the ends', () => {
    expect(move(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(move(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(move(['a', 'b'], 0, -1)).toEqual(['a', 'b']);
    expect(move(['a', 'b'], 1, 1)).toEqual(['a', 'b']);
  });
  it('sends only the wire fields', () => {
    const b = { ...newBlock('image'), attachment_id: 'u1', file_name: 'x.png', caption: '' };
    expect(wire([b])).toEqual([{ type: 'image', attachment_id: 'u1' }]);
  });
  it.each([
    [[], 'Add a block first.'],
    [[{ ...newBlock('text'), text: ' ' }], 'Block 1 (Text) is empty.'],
    [[{ ...newBlock('text'), text: 'Hi' }, newBlock('image')], 'Block 2 (Image) has no file yet.'],
    [[{ ...newBlock('link'), url: 'ftp://x' }], 'Block 1 (Link) needs an http(s) link.'],
    [[newBlock('template')], 'Block 1 (Template) has no canned reply chosen.'],
    [[{ ...newBlock('link'), url: 'https://x.example/' }], ''],
  ])('notReady %#', (blocks, want) => expect(notReady(blocks)).toBe(want));
  it('reads the block a problem names', () => {
    const err = new ApiError(422, { detail: 'x', errors: [{ location: 'body.blocks[2].url', message: 'bad' }] }, '');
    expect(blockIndex(err)).toBe(2);
    expect(blockIndex(new Error('x'))).toBe(-1);
  });
});

describe('ConstructorPanel', () => {
  it('builds text, image with caption and a previewed link, reorders them with buttons, keeps the draft and sends', async () => {
    const onDraft = vi.fn();
    const onSent = vi.fn();
    const { calls } = mockFetch({
      'GET /workspaces/w1/conversations/c1/constructor-draft': () => reply(404, { title: 'Not Found', status: 404, detail: 'Constructor draft not found.' }),
      'PUT /workspaces/w1/conversations/c1/constructor-draft': (c) => ({ conversation_id: 'c1', blocks: (c.body as { blocks: unknown[] }).blocks }),
      'POST /workspaces/w1/uploads': () => ({ id: 'u1', file_name: 'sofa.png', content_type: 'image/png', size: 4 }),
      'GET /workspaces/w1/link-preview': () => ({ url: 'https://shop.example/sofa', title: 'Grey sofa', description: 'Three seats', image_url: '', site_name: 'shop' }),
      'POST /workspaces/w1/conversations/c1/constructor': () => reply(201, { items: [{ id: 'm1' }, { id: 'm2' }] }),
    });
    render(<ConstructorPanel ws="w1" conversationId="c1" channelName="WhatsApp" onClose={() => {}} onDraft={onDraft} onSent={onSent} />);
    const panel = await screen.findByRole('region', { name: 'Message constructor' });
    const p = within(panel);
    await waitFor(() => expect(p.queryByText('Loading…')).toBeNull());

    fireEvent.click(p.getByRole('button', { name: '+ Link' }));
    fireEvent.change(p.getByLabelText('Link of block 1'), { target: { value: 'https://shop.example/sofa' } });
    fireEvent.blur(p.getByLabelText('Link of block 1'));
    expect(await p.findByText('Grey sofa')).toBeTruthy();

    fireEvent.click(p.getByRole('button', { name: '+ Image' }));
    const file = new File(['\x89PNG'], 'sofa.png', { type: 'image/png' });
    await act(async () => {
      fireEvent.change(p.getByLabelText('File of block 2'), { target: { files: [file] } });
    });
    expect(await p.findByText('File: sofa.png')).toBeTruthy();
    fireEvent.change(p.getByLabelText('Caption of block 2'), { target: { value: 'Our grey sofa' } });
    fireEvent.click(p.getByRole('button', { name: 'Move block 2 up' }));
    expect(p.getAllByRole('group').map((g) => g.querySelector('legend')?.textContent).filter(Boolean)).toEqual(['Block 1: Image', 'Block 2: Link']);

    // Editing pauses: the unfinished message is kept on the server and the list told.
    await waitFor(() => expect(onDraft).toHaveBeenCalledWith(true), { timeout: 2000 });
    const put = calls.filter((c) => c.method === 'PUT').at(-1)!;
    expect(put.body).toEqual({
      blocks: [
        { type: 'image', attachment_id: 'u1', caption: 'Our grey sofa' },
        { type: 'link', url: 'https://shop.example/sofa', title: 'Grey sofa', description: 'Three seats' },
      ],
    });

    await act(async () => {
      fireEvent.click(p.getByRole('button', { name: 'Send message' }));
    });
    const post = calls.find((c) => c.method === 'POST' && c.path.endsWith('/constructor'))!;
    expect(post.body).toEqual(put.body);
    expect(onSent).toHaveBeenCalled();
    expect(onDraft).toHaveBeenLastCalledWith(false);
    expect(p.getByRole('status').textContent).toBe('Sent as 2 messages.');
    expect(p.queryByRole('group', { name: /Block 1/ })).toBeNull();
  });

  it('loads a kept message and marks the block the server refuses', async () => {
    mockFetch({
      'GET /workspaces/w1/conversations/c1/constructor-draft': () => ({ conversation_id: 'c1', blocks: [{ type: 'text', text: 'Hello' }, { type: 'link', url: 'https://10.0.0.1/' }] }),
      'POST /workspaces/w1/conversations/c1/constructor': () =>
        reply(422, { title: 'Unprocessable Entity', status: 422, detail: 'The link is private.', errors: [{ location: 'body.blocks[1].url', message: 'The link is private.' }] }),
    });
    render(<ConstructorPanel ws="w1" conversationId="c1" channelName="API" onClose={() => {}} />);
    expect(((await screen.findByLabelText('Text of block 1')) as HTMLTextAreaElement).value).toBe('Hello');
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Send message' }));
    });
    expect((await screen.findByRole('alert')).textContent).toBe('The link is private.');
    expect(document.getElementById('ctor-c1-1')?.className).toContain('constructor-bad');
  });
});
