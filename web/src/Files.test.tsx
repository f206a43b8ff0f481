// Files in the conversation: the composer uploads at once (mocked fetch),
// shows chips that can be removed, sends the ids with the reply or note and
// shows the server's refusals; the thread shows images and file cards.
import { act, createEvent, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from './api';
import { Composer } from './Composer';
import { DraftStore, DraftsContext } from './features/composer/drafts';
import { MessageList } from './Thread';
import { mockFetch, msg, reply, type Call } from './test/fakes';
import { WS } from './test/session';
import type { Attachment } from './types';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

function file(name: string, type: string, bytes: BlobPart = PNG): File {
  return new File([bytes], name, { type });
}

/** deferred is a promise the test settles by hand (an upload in flight). */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

let uploads: { call: Call; answer: ReturnType<typeof deferred<unknown>> }[] = [];
let sendAnswer: () => unknown = () => ({ id: 'm-new' });
let fetched: ReturnType<typeof mockFetch>;
// The session's draft store, as the App provides it: drafts outlive a composer.
let drafts = new DraftStore();

function setup(id = 'c1', channelName = 'SMS') {
  const onSend = vi.fn((content: string, isPrivate: boolean, ids?: string[]) =>
    api.send(WS, id, content, isPrivate, ids).then(() => undefined),
  );
  const discard = vi.fn();
  const r = render(
    <DraftsContext.Provider value={drafts}>
      <Composer
        conversationId={id}
        channelName={channelName}
        onSend={onSend}
        upload={(f, signal) => api.upload(WS, f, signal)}
        discard={discard}
      />
    </DraftsContext.Provider>,
  );
  const input = () => screen.getByTestId('composer-file-input') as HTMLInputElement;
  const choose = (...files: File[]) => act(() => fireEvent.change(input(), { target: { files } }));
  const chips = () => screen.queryByRole('list', { name: 'Files to send' });
  const chip = (name: string) => within(chips()!).getByText(name).closest('li') as HTMLElement;
  return { ...r, onSend, discard, input, choose, chips, chip, box: () => screen.getByRole('textbox') as HTMLTextAreaElement };
}

function uploaded(n: number, name: string, type = 'image/png', size = PNG.length): Attachment {
  return { id: `up${n}`, file_name: name, content_type: type, size };
}

describe('Composer files', () => {
  beforeEach(() => {
    drafts = new DraftStore();
    uploads = [];
    sendAnswer = () => ({ id: 'm-new' });
    fetched = mockFetch({
      'POST /workspaces/{ws}/uploads': (call) => {
        const answer = deferred<unknown>();
        uploads.push({ call, answer });
        return answer.promise;
      },
      'POST /workspaces/{ws}/conversations/{id}/messages': () => sendAnswer(),
    });
  });

  it('uploads a chosen file at once, shows its progress, then sends its id with the caption', async () => {
    const { choose, chip, onSend, box } = setup();
    const attach = screen.getByRole('button', { name: 'Attach files' });
    expect(attach.getAttribute('aria-keyshortcuts')).toBe('Alt+U');
    await choose(file('invoice.png', 'image/png'));

    // Uploading: a progress state on the chip, Send waits.
    expect(uploads).toHaveLength(1);
    const form = uploads[0].call.body as FormData;
    expect(form).toBeInstanceOf(FormData);
    expect((form.get('file') as File).name).toBe('invoice.png');
    expect(chip('invoice.png').getAttribute('data-state')).toBe('uploading');
    expect(within(chip('invoice.png')).getByRole('progressbar', { name: 'Uploading invoice.png' })).toBeTruthy();
    expect(within(chip('invoice.png')).getByText('12 B')).toBeTruthy();
    const sendButton = () => screen.getByRole('button', { name: /^(Send|Uploading…)$/ }) as HTMLButtonElement;
    expect(sendButton().disabled).toBe(true);
    expect(sendButton().textContent).toBe('Uploading…');

    await act(async () => uploads[0].answer.resolve(reply(201, uploaded(1, 'invoice.png'))));
    await waitFor(() => expect(chip('invoice.png').getAttribute('data-state')).toBe('ready'));
    expect(screen.getByRole('status').textContent).toBe('invoice.png attached.');
    // A file alone may be sent: the caption is optional.
    expect(sendButton().disabled).toBe(false);

    fireEvent.change(box(), { target: { value: 'Here is your invoice' } });
    await act(async () => {
      fireEvent.keyDown(box(), { key: 'Enter', ctrlKey: true });
    });
    expect(onSend).toHaveBeenCalledWith('Here is your invoice', false, ['up1']);
    const post = fetched.calls.find((c) => c.path.endsWith('/messages'));
    expect(post?.body).toEqual({ content: 'Here is your invoice', private: false, attachment_ids: ['up1'] });
    // Sent: the box and the chips are cleared.
    expect(box().value).toBe('');
    expect(screen.queryByRole('list', { name: 'Files to send' })).toBeNull();
  });

  it('sends files with a private note, and text-only messages without attachment_ids', async () => {
    const { choose, onSend, box } = setup();
    fireEvent.click(screen.getByRole('button', { name: 'Private note' }));
    await choose(file('clip.mp4', 'video/mp4'), file('notes.pdf', 'application/pdf'));
    expect(uploads).toHaveLength(2);
    await act(async () => {
      uploads[0].answer.resolve(reply(201, uploaded(1, 'clip.mp4', 'video/mp4')));
      uploads[1].answer.resolve(reply(201, uploaded(2, 'notes.pdf', 'application/pdf')));
    });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Add note' }));
    });
    expect(onSend).toHaveBeenLastCalledWith('', true, ['up1', 'up2']);
    fireEvent.change(box(), { target: { value: 'just text' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Add note' }));
    });
    expect(onSend).toHaveBeenLastCalledWith('just text', true);
    expect(fetched.calls.filter((c) => c.path.endsWith('/messages')).map((c) => c.body)).toEqual([
      { content: '', private: true, attachment_ids: ['up1', 'up2'] },
      { content: 'just text', private: true },
    ]);
  });

  it('removes a chip: an upload in flight is cancelled, a removed file is not sent', async () => {
    const { choose, chip, chips, onSend, discard, box } = setup();
    await choose(file('a.png', 'image/png'), file('b.pdf', 'application/pdf'));
    const init = fetched.fetchMock.mock.calls[0][1] as RequestInit;
    expect(init.signal?.aborted).toBe(false);

    fireEvent.click(within(chip('a.png')).getByRole('button', { name: 'Remove a.png' }));
    expect(init.signal?.aborted).toBe(true);
    expect(within(chips()!).queryByText('a.png')).toBeNull();
    expect(screen.getByRole('status').textContent).toBe('a.png removed.');
    expect(document.activeElement).toBe(box());

    await act(async () => uploads[1].answer.resolve(reply(201, uploaded(2, 'b.pdf', 'application/pdf'))));
    await waitFor(() => expect(chip('b.pdf').getAttribute('data-state')).toBe('ready'));
    fireEvent.click(within(chip('b.pdf')).getByRole('button', { name: 'Remove b.pdf' }));
    expect(chips()).toBeNull();
    // The uploaded file is deleted on the server; the cancelled one never existed.
    expect(discard.mock.calls).toEqual([['up2']]);
    // Nothing left to send and no text: Send is off.
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(box(), { target: { value: 'no files after all' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    });
    expect(onSend).toHaveBeenCalledWith('no files after all', false);
  });

  it("shows a refused upload on its chip: the server's 422, and files over 16 MB without uploading", async () => {
    const { choose, chip } = setup();
    const big = file('huge.mp4', 'video/mp4');
    Object.defineProperty(big, 'size', { value: 17 * 1024 * 1024 });
    await choose(file('tool.exe', 'application/octet-stream'), big, file('edge.mp4', 'video/mp4'));
    expect(uploads).toHaveLength(2); // the big one is refused here
    expect(chip('huge.mp4').getAttribute('data-state')).toBe('failed');
    expect(within(chip('huge.mp4')).getByText('Larger than 16 MB.')).toBeTruthy();
    await act(async () =>
      uploads[0].answer.resolve(
        reply(422, {
          title: 'Unprocessable Entity',
          status: 422,
          detail: 'The file is not a type Parley accepts (application/x-msdownload).',
          errors: [{ location: 'body.file', message: 'The file is not a type Parley accepts (application/x-msdownload).' }],
        }),
      ),
    );
    // The server's own cap (it stops reading the form) says the same as ours.
    await act(async () =>
      uploads[1].answer.resolve(
        reply(422, { status: 422, detail: 'validation failed', errors: [{ message: 'cannot read multipart form: http: request body too large', location: 'body' }] }),
      ),
    );
    expect(within(chip('edge.mp4')).getByText('Larger than 16 MB.')).toBeTruthy();
    await waitFor(() => expect(chip('tool.exe').getAttribute('data-state')).toBe('failed'));
    // The field's message repeats the detail: said once.
    expect(within(chip('tool.exe')).getByText('The file is not a type Parley accepts (application/x-msdownload).')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it("shows the server's 422 on attachment_ids next to the composer and keeps the text and the files", async () => {
    const detail = 'WhatsApp sends one attachment per message; send the others as separate messages.';
    sendAnswer = () => reply(422, { status: 422, detail, errors: [{ location: 'body.attachment_ids', message: detail }] });
    const { choose, chip, chips, box } = setup('w1', 'WhatsApp');
    await choose(file('one.png', 'image/png'), file('two.png', 'image/png'));
    await act(async () => {
      uploads[0].answer.resolve(reply(201, uploaded(1, 'one.png')));
      uploads[1].answer.resolve(reply(201, uploaded(2, 'two.png')));
    });
    fireEvent.change(box(), { target: { value: 'Both photos' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    });
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toBe(detail);
    // Right under the files it is about.
    expect(chips()!.nextElementSibling).toBe(alert);
    expect(box().value).toBe('Both photos');
    expect(chip('one.png').getAttribute('data-state')).toBe('ready');
    expect(chip('two.png').getAttribute('data-state')).toBe('ready');

    // Removing one and sending again works.
    sendAnswer = () => ({ id: 'm-new' });
    fireEvent.click(screen.getByRole('button', { name: 'Remove two.png' }));
    expect(screen.queryByRole('alert')).toBeNull();
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    });
    expect(fetched.calls.filter((c) => c.path.endsWith('/messages')).pop()?.body).toEqual({
      content: 'Both photos',
      private: false,
      attachment_ids: ['up1'],
    });
  });

  it('takes at most 10 files and says how many were left out', async () => {
    const { choose, chips } = setup();
    await choose(...Array.from({ length: 12 }, (_, i) => file(`p${i}.png`, 'image/png')));
    expect(within(chips()!).getAllByRole('listitem')).toHaveLength(10);
    expect(uploads).toHaveLength(10);
    expect(screen.getByRole('alert').textContent).toBe('A message carries at most 10 files: 2 files were not added.');
    expect((screen.getByRole('button', { name: 'Attach files' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('attaches pasted and dropped files; pasted text stays text', async () => {
    const { chip, box } = setup();
    fireEvent.paste(box(), { clipboardData: { files: [file('image.png', 'image/png')], types: ['Files'] } });
    expect(chip('image.png').getAttribute('data-state')).toBe('uploading');
    // Text copied from an office program carries a picture of itself too: not attached.
    fireEvent.paste(box(), { clipboardData: { files: [file('copy.png', 'image/png')], types: ['text/plain', 'Files'] } });
    expect(screen.queryByText('copy.png')).toBeNull();

    const form = screen.getByRole('form', { name: 'Composer' });
    const dt = { types: ['Files'], files: [file('dropped.pdf', 'application/pdf')], dropEffect: 'none' };
    fireEvent.dragEnter(form, { dataTransfer: dt });
    expect(form.className).toContain('composer-dragging');
    expect(screen.getByText('Drop files to attach them')).toBeTruthy();
    fireEvent.drop(form, { dataTransfer: dt });
    expect(form.className).not.toContain('composer-dragging');
    expect(chip('dropped.pdf').getAttribute('data-state')).toBe('uploading');
    expect(uploads.map((u) => ((u.call.body as FormData).get('file') as File).name)).toEqual(['image.png', 'dropped.pdf']);
    // Dropped beside the composer, a file is not opened by the browser in place of the app.
    const outside = createEvent.drop(document.body, { dataTransfer: { types: ['Files'], files: [file('x.png', 'image/png')] } });
    fireEvent(document.body, outside);
    expect(outside.defaultPrevented).toBe(true);
    expect(uploads).toHaveLength(2);
  });

  it('keeps files with the draft while the agent is in another conversation, and finishes their upload', async () => {
    const first = setup('c1');
    await first.choose(file('later.png', 'image/png'));
    first.unmount();
    await act(async () => uploads[0].answer.resolve(reply(201, uploaded(1, 'later.png'))));
    const again = setup('c1');
    expect(again.chip('later.png').getAttribute('data-state')).toBe('ready');
  });
});

describe('Thread attachments', () => {
  function thread(messages: ReturnType<typeof msg>[]) {
    return render(
      <MessageList
        conversationKey="c1"
        messages={messages}
        loading={false}
        loadingOlder={false}
        hasOlder={false}
        error=""
        onLoadOlder={() => {}}
        members={new Map()}
        contactName="Kim Customer"
        workspaceId={WS}
      />,
    );
  }
  const base = `/api/v1/workspaces/${WS}/conversations/c1/messages`;

  it('shows images as thumbnails that open full size in a new tab, other files as download cards', () => {
    thread([
      msg({
        id: 'm1',
        conversation_id: 'c1',
        content: 'Photo of the damage',
        channel: 'whatsapp',
        attachments: [{ id: 'a1', file_name: 'damage.jpg', content_type: 'image/jpeg', size: 245_760 }],
      }),
      msg({
        id: 'm2',
        conversation_id: 'c1',
        direction: 'out',
        sender: { kind: 'agent', id: 'u1', name: 'Ada Admin' },
        status: 'sent',
        content: '',
        attachments: [
          { id: 'a2', file_name: 'invoice.pdf', content_type: 'application/pdf', size: 1_572_864 },
          { id: 'a3', file_name: 'voice.ogg', content_type: 'audio/ogg', size: 5_000 },
        ],
      }),
    ]);
    const items = screen.getAllByRole('listitem').filter((li) => li.classList.contains('msg'));
    const [inbound, outbound] = items;

    const image = within(inbound).getByRole('link', { name: /damage\.jpg/ }) as HTMLAnchorElement;
    expect(image.getAttribute('href')).toBe(`${base}/m1/attachments/a1`);
    expect(image.target).toBe('_blank');
    expect(image.rel).toContain('noopener');
    expect(image.textContent).toContain('240 KB');
    expect(image.textContent).toContain('opens full size in a new tab');
    expect(image.querySelector('img')!.getAttribute('src')).toBe(`${base}/m1/attachments/a1`);
    expect(within(inbound).getByText('Photo of the damage').className).toBe('bubble');

    const pdf = within(outbound).getByRole('link', { name: /invoice\.pdf/ }) as HTMLAnchorElement;
    expect(pdf.getAttribute('href')).toBe(`${base}/m2/attachments/a2`);
    expect(pdf.getAttribute('download')).toBe('invoice.pdf');
    expect(pdf.textContent).toBe('invoice.pdfPDF · 1.5 MBDownload');
    expect(pdf.querySelector('img')).toBeNull();
    // Audio plays inline, with the file to download beside it.
    const audio = within(outbound).getByRole('link', { name: /voice\.ogg/ });
    expect(audio.textContent).toBe('voice.ogg · 4.9 KB');
    expect(within(outbound).getByTestId('attachment-audio').querySelector('audio')!.getAttribute('src')).toBe(`${base}/m2/attachments/a3`);
    expect(within(outbound).getByRole('list', { name: '2 attachments' })).toBeTruthy();
    // No caption: no empty bubble.
    expect(outbound.querySelector('.bubble')).toBeNull();
  });

  it('shows a card when a thumbnail cannot be loaded', () => {
    thread([
      msg({
        id: 'm1',
        conversation_id: 'c1',
        content: '',
        attachments: [{ id: 'a1', file_name: 'gone.png', content_type: 'image/png', size: 100 }],
      }),
    ]);
    const img = document.querySelector('.att-image img')!;
    fireEvent.error(img);
    expect(document.querySelector('.att-image')).toBeNull();
    expect(screen.getByRole('link', { name: /gone\.png/ }).getAttribute('download')).toBe('gone.png');
  });
});
