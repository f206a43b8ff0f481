import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { App } from './App';
import { conv, FakeSocket, installFakeSocket, mockFetch, msg, reply } from './test/fakes';
import type { Conversation, Message } from './types';

const me = { id: 'u1', name: 'Ada Agent', email: 'ada@example.com', avatar_url: '' };
const bo = { id: 'u2', name: 'Bo Builder', email: 'bo@example.com', avatar_url: '' };
const WS = 'ws1';

function signedInApi(convs: Conversation[], messages: Record<string, Message[]> = {}) {
  const state = { convs: [...convs] };
  const api = mockFetch({
    'GET /me': () => ({ user: me, workspaces: [{ id: WS, name: 'Acme Support', role: 'admin' }] }),
    'GET /workspaces/{ws}/users': () => ({
      items: [
        { ...me, role: 'admin', availability: 'online', capacity: 0, team_ids: [] },
        { ...bo, role: 'agent', availability: 'busy', capacity: 0, team_ids: [] },
      ],
      next_cursor: '',
    }),
    'GET /workspaces/{ws}/teams': () => ({ items: [], next_cursor: '' }),
    'GET /workspaces/{ws}/conversations/counts': () => ({ all: state.convs.length, mine: 0, unassigned: state.convs.length }),
    'GET /workspaces/{ws}/conversations': () => ({ items: state.convs, next_cursor: '' }),
    'GET /workspaces/{ws}/conversations/{id}': (_c, [, id]) => state.convs.find((c) => c.id === id),
    'PATCH /workspaces/{ws}/conversations/{id}': (c, [, id]) => {
      const i = state.convs.findIndex((x) => x.id === id);
      state.convs[i] = { ...state.convs[i], ...(c.body as object) };
      return state.convs[i];
    },
    'POST /workspaces/{ws}/conversations/{id}/read': (_c, [, id]) => {
      state.convs = state.convs.map((c) => (c.id === id ? { ...c, unread_count: 0 } : c));
      return reply(204);
    },
    'GET /workspaces/{ws}/conversations/{id}/messages': (_c, [, id]) => ({ items: messages[id] ?? [], next_cursor: '' }),
    'POST /workspaces/{ws}/conversations/{id}/messages': (c, [, id]) => {
      const b = c.body as { content: string; private: boolean };
      return reply(
        201,
        msg({ conversation_id: id, direction: 'out', private: b.private, content: b.content, sender: { kind: 'agent', id: me.id, name: me.name }, status: 'queued' }),
      );
    },
    'GET /workspaces/{ws}/contacts/{id}': (_c, [, id]) => ({
      id,
      name: 'Grace Hopper',
      email: 'grace@example.com',
      phone: '+14155550100',
      company: 'Navy',
      title: 'Rear Admiral',
      tags: ['vip'],
      identities:
        id === 'multi'
          ? [
              { inbox_id: 'in1', source_id: 'grace' },
              { inbox_id: 'sms1', source_id: '+14155550100' },
            ]
          : [{ inbox_id: 'in1', source_id: 'grace' }],
    }),
    'GET /workspaces/{ws}/inboxes': () => ({
      items: [
        { id: 'in1', name: 'API', channel: 'api', config: {}, created_at: '' },
        { id: 'sms1', name: 'Support SMS', channel: 'twilio_sms', config: {}, created_at: '' },
        { id: 'tg1', name: 'Bot', channel: 'telegram', config: {}, created_at: '' },
      ],
      next_cursor: '',
    }),
    'POST /workspaces/{ws}/conversations/{id}/messages/{mid}/retry': (_c, [, id, mid]) => {
      const m = (messages[id] ?? []).find((x) => x.id === mid)!;
      return { ...m, status: 'queued', error: '', status_history: [...(m.status_history ?? []), { status: 'queued', at: '2026-01-01T10:06:00Z' }] };
    },
    'POST /workspaces/{ws}/conversations/{id}/messages/{mid}/resend': (c, [, id, mid]) => {
      const m = (messages[id] ?? []).find((x) => x.id === mid)!;
      const b = c.body as { inbox_id: string };
      return reply(201, {
        resend_of: mid,
        message: { ...m, id: 'copy-' + mid, inbox_id: b.inbox_id, channel: 'twilio_sms', status: 'queued', error: '', status_history: [], created_at: '2026-01-01T10:07:00Z' },
      });
    },
    'POST /auth/logout': () => reply(204),
    'GET /workspaces/{ws}': () => ({ id: WS, name: 'Acme Support', settings: { lifecycle: { close_reasons: ['Resolved', 'Not interested'] } } }),
    'GET /workspaces/{ws}/agents': () => ({
      items: [
        { user_id: me.id, name: me.name, role: 'admin', availability: 'online', capacity: 0, load: 1, load_label: '1', connected: true },
        { user_id: bo.id, name: bo.name, role: 'agent', availability: 'online', capacity: 5, load: 3, load_label: '3 / 5', connected: false },
      ],
    }),
    'POST /workspaces/{ws}/conversations/{id}/accept': (_c, [, id]) => {
      const i = state.convs.findIndex((x) => x.id === id);
      state.convs[i] = { ...state.convs[i], status: 'open', assignee_ids: [me.id] };
      return state.convs[i];
    },
    'POST /workspaces/{ws}/conversations/{id}/transfer': (c, [, id]) => {
      const i = state.convs.findIndex((x) => x.id === id);
      state.convs[i] = { ...state.convs[i], assignee_ids: [(c.body as { user_id: string }).user_id] };
      return state.convs[i];
    },
    'GET /workspaces/{ws}/conversations/{id}/draft': () => reply(404, { title: 'Not Found', status: 404 }),
    'PUT /workspaces/{ws}/conversations/{id}/draft': (c, [, id]) => ({ conversation_id: id, content: (c.body as { content: string }).content, updated_at: '' }),
    'DELETE /workspaces/{ws}/conversations/{id}/draft': () => reply(204),
  });
  return { ...api, state };
}

function rows() {
  const lb = screen.queryByRole('listbox', { name: 'Conversations' });
  return lb ? within(lb).queryAllByRole('option') : [];
}

async function openInbox() {
  render(<App />);
  await screen.findByRole('listbox', { name: 'Conversations' });
  await waitFor(() => expect(FakeSocket.instances.length).toBeGreaterThan(0));
  act(() => FakeSocket.last().open(100));
}

describe('App', () => {
  beforeEach(() => {
    installFakeSocket();
  });

  it('shows the set-up page on first run and creates the workspace', async () => {
    let setupDone = false;
    const { calls } = mockFetch({
      'GET /me': () => (setupDone ? { user: me, workspaces: [{ id: WS, name: 'Acme', role: 'admin' }] } : reply(401, { title: 'Unauthorized', status: 401 })),
      'GET /setup': () => ({ needed: !setupDone }),
      'POST /setup': () => {
        setupDone = true;
        return reply(201, { token: 't', user: me });
      },
      'GET /workspaces/{ws}/users': () => ({ items: [], next_cursor: '' }),
      'GET /workspaces/{ws}/teams': () => ({ items: [], next_cursor: '' }),
      'GET /workspaces/{ws}/conversations/counts': () => ({ all: 0, mine: 0, unassigned: 0 }),
      'GET /workspaces/{ws}/conversations': () => ({ items: [], next_cursor: '' }),
    });
    window.history.replaceState(null, '', '/setup?token=tok123');
    render(<App />);
    await screen.findByRole('heading', { name: 'Set up Parley' });
    expect(screen.queryByLabelText('Set-up token')).toBeNull(); // taken from the link
    fireEvent.change(screen.getByLabelText('Workspace name'), { target: { value: 'Acme' } });
    fireEvent.change(screen.getByLabelText('Your name'), { target: { value: 'Ada Agent' } });
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'ada@example.com' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'correct horse' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create workspace' }));
    // The inbox's first render is larger now (views, saved filters, filters): allow for a loaded machine.
    await screen.findByText('No conversations here.', {}, { timeout: 5000 });
    expect(calls.find((c) => c.method === 'POST' && c.path === '/setup')?.body).toEqual({
      token: 'tok123',
      workspace_name: 'Acme',
      name: 'Ada Agent',
      email: 'ada@example.com',
      password: 'correct horse',
    });
    expect(window.location.pathname).toBe('/');
  });

  it('asks for the token when set-up is needed and the link was not used', async () => {
    mockFetch({
      'GET /me': () => reply(401, {}),
      'GET /setup': () => ({ needed: true }),
    });
    render(<App />);
    await screen.findByLabelText('Set-up token');
    await waitFor(() => expect(window.location.pathname).toBe('/setup'));
  });

  it('signs in with email and password and shows the readable error first', async () => {
    let signedIn = false;
    mockFetch({
      'GET /me': () => (signedIn ? { user: me, workspaces: [{ id: WS, name: 'Acme', role: 'admin' }] } : reply(401, {})),
      'GET /setup': () => ({ needed: false }),
      'POST /auth/login': (c) => {
        const b = c.body as { password: string };
        if (b.password !== 'right') return reply(401, { title: 'Unauthorized', status: 401, detail: 'Wrong email or password.' });
        signedIn = true;
        return { token: 't', user: me };
      },
      'GET /workspaces/{ws}/users': () => ({ items: [], next_cursor: '' }),
      'GET /workspaces/{ws}/teams': () => ({ items: [], next_cursor: '' }),
      'GET /workspaces/{ws}/conversations/counts': () => ({ all: 0, mine: 0, unassigned: 0 }),
      'GET /workspaces/{ws}/conversations': () => ({ items: [], next_cursor: '' }),
    });
    render(<App />);
    await screen.findByRole('heading', { name: 'Sign in' });
    expect(window.location.pathname).toBe('/login');
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'ada@example.com' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'wrong' } });
    fireEvent.submit(screen.getByRole('form', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The email or password is not correct.');
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'right' } });
    fireEvent.submit(screen.getByRole('form', { name: 'Sign in' }));
    await screen.findByRole('listbox', { name: 'Conversations' });
    expect(window.location.pathname).toBe('/');
  });

  it('lists conversations newest first with counts, unread badges and previews', async () => {
    const a = conv({ id: 'a', contact: { id: 'ca', name: 'Grace Hopper' }, unread_count: 3, last_activity_at: '2026-01-01T12:00:00Z' });
    const b = conv({ id: 'b', contact: { id: 'cb', name: 'Alan Turing' }, last_activity_at: '2026-01-01T11:00:00Z' });
    const { calls } = signedInApi([a, b]);
    await openInbox();
    const options = rows();
    expect(options.map((o) => o.querySelector('.conv-name')?.textContent)).toEqual(['Grace Hopper', 'Alan Turing']);
    expect(within(options[0]).getByLabelText('3 unread')).toBeTruthy();
    expect(options[0].className).toContain('unread');
    await waitFor(() => expect(screen.getByTestId('count-all').textContent).toBe('2'));
    const list = calls.find((c) => c.path.startsWith('/workspaces/ws1/conversations?'));
    expect(list?.path).toContain('view=all');
    expect(decodeURIComponent(list!.path)).toContain('status=queued,open,pending,snoozed');
  });

  it('opens a conversation: thread, contact card, details; marks it read', async () => {
    const a = conv({ id: 'a', contact: { id: 'ca', name: 'Grace Hopper' }, unread_count: 2 });
    const messages = {
      a: [
        msg({ id: 'm1', conversation_id: 'a', content: 'My order is late', created_at: '2026-01-01T10:00:00Z' }),
        msg({ id: 'm2', conversation_id: 'a', direction: 'out', sender: { kind: 'ai', name: 'AI agent' }, content: 'Let me check.', status: 'delivered', created_at: '2026-01-01T10:01:00Z' }),
        msg({ id: 'm3', conversation_id: 'a', direction: 'out', private: true, sender: { kind: 'agent', id: 'u2', name: 'Bo Builder' }, content: 'VIP, be nice', status: 'sent', created_at: '2026-01-01T10:02:00Z' }),
        msg({ id: 'm4', conversation_id: 'a', direction: 'out', sender: { kind: 'system' }, content: 'Bo Builder assigned Ada Agent', created_at: '2026-01-01T10:03:00Z' }),
        msg({ id: 'm5', conversation_id: 'a', direction: 'out', sender: { kind: 'agent', id: 'u1', name: 'Ada Agent' }, content: 'Sorry!', status: 'failed', error: 'Number unreachable', created_at: '2026-01-01T10:04:00Z' }),
      ],
    };
    const { calls } = signedInApi([a], messages);
    await openInbox();
    fireEvent.click(rows()[0]);
    await screen.findByText('My order is late');
    expect(window.location.pathname).toBe('/conversations/a');
    const ai = screen.getByText('Let me check.').closest('li')!;
    expect(ai.className).toContain('msg-out');
    expect(within(ai).getByText('AI', { selector: '.tag' })).toBeTruthy();
    expect(within(ai).getByText('Delivered')).toBeTruthy();
    const note = screen.getByText('VIP, be nice').closest('li')!;
    expect(within(note).getByText('Internal note')).toBeTruthy();
    expect(screen.getByText('Bo Builder assigned Ada Agent').closest('li')!.className).toBe('msg-system');
    const failed = screen.getByText('Sorry!').closest('li')!;
    expect(within(failed).getByText('Failed')).toBeTruthy();
    expect(within(failed).getByText(/Number unreachable/)).toBeTruthy();
    // Contact card and details.
    await screen.findByText('grace@example.com');
    expect(screen.getByText('Rear Admiral')).toBeTruthy();
    expect(screen.getByText('vip')).toBeTruthy();
    expect((screen.getByLabelText('Status') as HTMLSelectElement).value).toBe('open');
    expect(calls.some((c) => c.method === 'POST' && c.path === '/workspaces/ws1/conversations/a/read')).toBe(true);
    expect(rows()[0].className).not.toContain('unread');
    // Presence: viewing announced.
    expect(FakeSocket.last().sent).toContainEqual({ type: 'viewing', conversation_id: 'a', state: 'on' });
  });

  it('replies and adds notes', async () => {
    const a = conv({ id: 'a' });
    const { calls } = signedInApi([a], { a: [] });
    await openInbox();
    fireEvent.click(rows()[0]);
    const box = await screen.findByRole('textbox', { name: 'Reply' });
    fireEvent.change(box, { target: { value: 'On its way' } });
    await act(async () => {
      fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    });
    await screen.findByText('On its way');
    expect(calls.find((c) => c.method === 'POST' && c.path.endsWith('/messages'))?.body).toEqual({ content: 'On its way', private: false });
    expect(FakeSocket.last().sent).toContainEqual({ type: 'typing', conversation_id: 'a', state: 'on' });
    expect(FakeSocket.last().sent).toContainEqual({ type: 'typing', conversation_id: 'a', state: 'off' });

    fireEvent.keyDown(window, { key: 'n', code: 'KeyN', altKey: true });
    const note = screen.getByRole('textbox', { name: 'Private note' });
    expect(document.activeElement).toBe(note);
    fireEvent.change(note, { target: { value: 'Checked the warehouse' } });
    await act(async () => {
      fireEvent.keyDown(note, { key: 'Enter', ctrlKey: true });
    });
    const item = (await screen.findByText('Checked the warehouse')).closest('li')!;
    expect(item.getAttribute('data-private')).toBe('true');
  });

  it('assigns, changes status and AI mode through PATCH', async () => {
    const a = conv({ id: 'a' });
    const { calls } = signedInApi([a], { a: [] });
    await openInbox();
    fireEvent.click(rows()[0]);
    await screen.findByRole('button', { name: 'Assign…' });
    fireEvent.click(screen.getByRole('button', { name: 'Assign…' }));
    fireEvent.click(screen.getByRole('checkbox', { name: /Bo Builder/ }));
    await waitFor(() => expect(calls.filter((c) => c.method === 'PATCH').at(-1)?.body).toEqual({ assignee_ids: ['u2'] }));
    await waitFor(() => expect(within(screen.getByRole('list', { name: 'Assignees' })).getByText('Bo Builder')).toBeTruthy());
    // A choice closes the pop-up: it must not stay over the other controls.
    expect(screen.queryByRole('group', { name: 'Assign to' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Assign…' }).getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(screen.getByRole('button', { name: 'Assign…' }));
    fireEvent.click(await screen.findByRole('checkbox', { name: /Ada Agent/ }));
    await waitFor(() => expect(calls.filter((c) => c.method === 'PATCH').at(-1)?.body).toEqual({ assignee_ids: ['u2', 'u1'] }));

    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'pending' } });
    await waitFor(() => expect(calls.filter((c) => c.method === 'PATCH').at(-1)?.body).toEqual({ status: 'pending' }));
    await waitFor(() => expect(screen.getByTestId('thread-status').textContent).toBe('Pending'));

    fireEvent.change(screen.getByLabelText('AI mode'), { target: { value: 'paused' } });
    await waitFor(() => expect(calls.filter((c) => c.method === 'PATCH').at(-1)?.body).toEqual({ ai_mode: 'paused' }));

    fireEvent.change(screen.getByLabelText('Snooze'), { target: { value: '1h' } });
    await waitFor(() => expect(calls.filter((c) => c.method === 'PATCH').at(-1)?.body).toMatchObject({ status: 'snoozed' }));
    const until = Date.parse((calls.filter((c) => c.method === 'PATCH').at(-1)?.body as { snoozed_until: string }).snoozed_until);
    expect(Math.abs(until - Date.now() - 3600_000)).toBeLessThan(60_000);
    await waitFor(() => expect(screen.getByTestId('thread-status').textContent).toBe('Snoozed'));

    // Alt+R asks for a note and a close reason first.
    fireEvent.keyDown(document.body, { key: 'r', code: 'KeyR', altKey: true });
    const dialog = await screen.findByRole('dialog', { name: /Resolve #/ });
    await within(dialog).findByRole('option', { name: 'Not interested' });
    fireEvent.change(within(dialog).getByLabelText('Close reason'), { target: { value: 'Not interested' } });
    fireEvent.change(within(dialog).getByLabelText('Resolution note'), { target: { value: 'Went elsewhere' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Resolve' }));
    await waitFor(() =>
      expect(calls.filter((c) => c.method === 'PATCH').at(-1)?.body).toEqual({
        status: 'resolved',
        close_reason: 'Not interested',
        resolution_note: 'Went elsewhere',
      }),
    );
    // The dialog closes once the server has answered the PATCH.
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    // Resolved leaves the default (not resolved) list but stays open.
    await waitFor(() => expect(rows()).toHaveLength(0));
    expect(screen.getByTestId('thread-status').textContent).toBe('Resolved');
  }, 15000);

  it('applies live events: new conversation, new message, typing from a colleague', async () => {
    const a = conv({ id: 'a', contact: { id: 'ca', name: 'Grace Hopper' }, last_activity_at: '2026-01-01T12:00:00Z' });
    signedInApi([a], { a: [msg({ id: 'm1', conversation_id: 'a', content: 'First' })] });
    await openInbox();
    fireEvent.click(rows()[0]);
    await screen.findByText('First');
    const s = FakeSocket.last();
    const b = conv({ id: 'b', contact: { id: 'cb', name: 'Linus' }, last_activity_at: '2026-01-02T12:00:00Z', unread_count: 1 });
    act(() => {
      s.emit([{ seq: 101, type: 'conversation.created', data: b }]);
      // As the server does: the message, then the conversation with the preview it stored.
      s.emit([
        { seq: 102, type: 'message.created', data: msg({ id: 'm2', conversation_id: 'a', content: 'Second', created_at: '2026-01-03T00:00:00Z' }) },
        {
          seq: 103,
          type: 'conversation.updated',
          data: { ...a, last_activity_at: '2026-01-03T00:00:00Z', last_message: { content: 'Second', direction: 'in', sender_kind: 'contact', channel: 'api', private: false, created_at: '2026-01-03T00:00:00Z' } },
        },
      ]);
      s.emit([{ type: 'typing', data: { conversation_id: 'a', user: { id: 'u2', name: 'Bo Builder' }, state: 'on' } }]);
    });
    expect(screen.getByText('Second')).toBeTruthy();
    expect(screen.getByText('Bo Builder is typing…')).toBeTruthy();
    // Grace's new message moves her back to the top.
    expect(rows().map((o) => o.querySelector('.conv-name')?.textContent)).toEqual(['Grace Hopper', 'Linus']);
    act(() => s.emit([{ type: 'typing', data: { conversation_id: 'a', user: { id: 'u2', name: 'Bo Builder' }, state: 'off' } }]));
    expect(screen.queryByText('Bo Builder is typing…')).toBeNull();
    act(() => s.emit([{ type: 'viewing', data: { conversation_id: 'a', user: { id: 'u2', name: 'Bo Builder' }, state: 'on' } }]));
    expect(screen.getByText('Bo Builder is viewing')).toBeTruthy();
  });

  it('updates delivery live, and retries or resends a failed reply through another inbox', async () => {
    const a = conv({ id: 'a', contact: { id: 'ca', name: 'Grace Hopper' } });
    const at = '2026-01-01T10:04:00Z';
    const sent = msg({ id: 'm5', conversation_id: 'a', inbox_id: 'in1', direction: 'out', sender: { kind: 'agent', id: 'u1', name: 'Ada Agent' }, content: 'Your code is 1234', status: 'sending', status_history: [{ status: 'queued', at }, { status: 'sending', at }], created_at: at });
    const other = msg({ id: 'm6', conversation_id: 'a', inbox_id: 'in1', direction: 'out', sender: { kind: 'agent', id: 'u1', name: 'Ada Agent' }, content: 'Second try', status: 'failed', error: 'Blocked', status_history: [{ status: 'queued', at }, { status: 'failed', at, error: 'Blocked' }], created_at: '2026-01-01T10:05:00Z' });
    const messages = { a: [sent, other] };
    const { calls } = signedInApi([a], messages);
    await openInbox();
    fireEvent.click(rows()[0]);
    const item = (await screen.findByText('Your code is 1234')).closest('li')!;
    expect(within(item).getByText('Sending', { selector: '.delivery-status' })).toBeTruthy();
    expect(within(item).queryByRole('button', { name: 'Retry' })).toBeNull();

    // message.updated from the socket: failed, with the provider's reason.
    const failed = { ...sent, status: 'failed', error: 'Message undeliverable (code 131026)', status_history: [...sent.status_history!, { status: 'failed', at, error: 'Message undeliverable (code 131026)' }] };
    messages.a[0] = failed;
    act(() => FakeSocket.last().emit([{ seq: 101, type: 'message.updated', data: failed }]));
    expect(within(item).getByText('Failed', { selector: '.delivery-status' })).toBeTruthy();
    expect(within(item).getByText(/Message undeliverable \(code 131026\)/, { selector: '.delivery-line .delivery-error' })).toBeTruthy();
    expect(item.className).toContain('msg-failed');
    const history = within(item).getByText('Delivery history').closest('details')!;
    expect(within(history).getAllByRole('listitem').map((li) => li.textContent?.split(' ')[0])).toEqual(['Queued', 'Sending', 'Failed']);

    // Retry: the answer shows queued at once; the socket then says sent.
    await act(async () => {
      fireEvent.click(within(item).getByRole('button', { name: 'Retry' }));
    });
    expect(calls.some((c) => c.method === 'POST' && c.path === '/workspaces/ws1/conversations/a/messages/m5/retry')).toBe(true);
    expect(within(item).getByText('Queued', { selector: '.delivery-status' })).toBeTruthy();
    expect(within(item).queryByRole('button', { name: 'Retry' })).toBeNull();
    act(() =>
      FakeSocket.last().emit([
        { seq: 102, type: 'message.updated', data: { ...failed, status: 'sent', error: '', status_history: [...failed.status_history, { status: 'queued', at }, { status: 'sent', at }] } },
      ]),
    );
    expect(within(item).getByText('Sent', { selector: '.delivery-status' })).toBeTruthy();

    // Resend via…: the inboxes the contact can be reached on (SMS by phone number).
    const second = screen.getByText('Second try').closest('li')!;
    await act(async () => {
      fireEvent.click(within(second).getByRole('button', { name: 'Resend via…' }));
    });
    const through = within(second).getByLabelText('Resend through') as HTMLSelectElement;
    expect(Array.from(through.options).map((o) => o.textContent)).toEqual(['Support SMS (SMS)']);
    await act(async () => {
      fireEvent.click(within(second).getByRole('button', { name: 'Resend' }));
    });
    expect(calls.find((c) => c.path.endsWith('/messages/m6/resend'))?.body).toEqual({ inbox_id: 'sms1' });
    expect(within(second).getByText('Resent via Support SMS.')).toBeTruthy();
    await waitFor(() => expect(screen.getAllByText('Second try')).toHaveLength(2));
  });

  it("keeps the reader's own unread count when a broadcast event carries another", async () => {
    const a = conv({ id: 'a', contact: { id: 'ca', name: 'Grace Hopper' }, unread_count: 0, last_activity_at: '2026-01-01T12:00:00Z' });
    const { calls } = signedInApi([a]);
    await openInbox();
    const s = FakeSocket.last();
    // Broadcast items count every inbound message as unread (nobody's read state).
    act(() => s.emit([{ seq: 101, type: 'conversation.updated', data: { ...a, unread_count: 7, status: 'pending' } }]));
    expect(rows()[0].className).not.toContain('unread');
    act(() => {
      s.emit([
        { seq: 102, type: 'message.created', data: msg({ id: 'n1', conversation_id: 'a', content: 'New!', created_at: '2026-01-02T00:00:00Z' }) },
        { seq: 103, type: 'conversation.updated', data: { ...a, unread_count: 8, last_activity_at: '2026-01-02T00:00:00Z' } },
      ]);
    });
    expect(within(rows()[0]).getByLabelText('1 unread')).toBeTruthy();
    // A conversation that moves into the list is fetched for the reader's own values.
    const b = conv({ id: 'b', contact: { id: 'cb', name: 'Moved In' }, unread_count: 0 });
    act(() => s.emit([{ seq: 104, type: 'conversation.updated', data: { ...b, unread_count: 5 } }]));
    await waitFor(() => expect(calls.some((c) => c.path === '/workspaces/ws1/conversations/b')).toBe(true));
  });

  it('shows reconnecting while the socket is down', async () => {
    signedInApi([conv({ id: 'a' })]);
    await openInbox();
    expect(screen.getByText('Live')).toBeTruthy();
    act(() => FakeSocket.last().drop());
    expect(screen.getAllByText(/Reconnecting/).length).toBeGreaterThan(0);
  });

  it('keyboard: / search, arrows, Enter, Ctrl+Shift+arrows, Esc, ?', async () => {
    const convs = [
      conv({ id: 'a', contact: { id: 'ca', name: 'Grace Hopper' }, last_activity_at: '2026-01-03T00:00:00Z' }),
      conv({ id: 'b', contact: { id: 'cb', name: 'Alan Turing' }, last_activity_at: '2026-01-02T00:00:00Z' }),
      conv({ id: 'c', contact: { id: 'cc', name: 'Ada Lovelace' }, last_activity_at: '2026-01-01T00:00:00Z' }),
    ];
    signedInApi(convs, { a: [], b: [], c: [] });
    await openInbox();
    fireEvent.keyDown(document.body, { key: '/' });
    const search = screen.getByRole('searchbox', { name: 'Search conversations' });
    expect(document.activeElement).toBe(search);
    fireEvent.change(search, { target: { value: 'turing' } });
    expect(rows()).toHaveLength(1);
    fireEvent.keyDown(search, { key: 'Escape' });
    expect((search as HTMLInputElement).value).toBe('');
    expect(rows()).toHaveLength(3);

    const listbox = screen.getByRole('listbox');
    fireEvent.keyDown(listbox, { key: 'ArrowDown' });
    fireEvent.keyDown(listbox, { key: 'ArrowDown' });
    expect(listbox.getAttribute('aria-activedescendant')).toBe('conv-b');
    fireEvent.keyDown(listbox, { key: 'Enter' });
    await waitFor(() => expect(window.location.pathname).toBe('/conversations/b'));
    const box = await screen.findByRole('textbox', { name: 'Reply' });
    fireEvent.keyDown(box, { key: 'ArrowDown', ctrlKey: true, shiftKey: true });
    await waitFor(() => expect(window.location.pathname).toBe('/conversations/c'));
    fireEvent.keyDown(document.body, { key: 'ArrowUp', ctrlKey: true, shiftKey: true });
    await waitFor(() => expect(window.location.pathname).toBe('/conversations/b'));
    fireEvent.keyDown(document.body, { key: 'Escape' });
    await waitFor(() => expect(window.location.pathname).toBe('/'));

    fireEvent.keyDown(document.body, { key: '?' });
    const dialog = screen.getByRole('dialog', { name: 'Keyboard shortcuts' });
    for (const k of ['Ctrl+Enter', 'Alt+R', 'Alt+N', 'Ctrl+Shift+↑', '/', 'Esc', '?']) {
      expect(within(dialog).getByText(k, { selector: 'kbd' })).toBeTruthy();
    }
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    // Esc closes it even when focus has moved out of it (the list took it a frame late).
    fireEvent.keyDown(document.body, { key: '?' });
    screen.getByRole('listbox', { name: 'Conversations' }).focus();
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(window.location.pathname).toBe('/');
  });

  it('switches views and reloads counts', async () => {
    const { calls } = signedInApi([conv({ id: 'a' })]);
    await openInbox();
    fireEvent.click(screen.getByRole('button', { name: /Mine/ }));
    await waitFor(() => expect(calls.some((c) => c.path.includes('view=mine'))).toBe(true));
    fireEvent.keyDown(document.body, { key: '3', code: 'Digit3', altKey: true });
    await waitFor(() => expect(calls.some((c) => c.path.includes('view=unassigned'))).toBe(true));
    fireEvent.change(screen.getByLabelText('Status filter'), { target: { value: 'resolved' } });
    await waitFor(() => expect(calls.some((c) => c.path.includes('status=resolved'))).toBe(true));
  });

  it('returns to sign-in when the session ends (a 401 during use)', async () => {
    signedInApi([conv({ id: 'a' })]);
    await openInbox();
    mockFetch({
      'GET /setup': () => ({ needed: false }),
      'GET /workspaces/{ws}/conversations': () => reply(401, { title: 'Unauthorized', status: 401 }),
      'GET /workspaces/{ws}/conversations/counts': () => reply(401, { title: 'Unauthorized', status: 401 }),
    });
    fireEvent.click(screen.getByRole('button', { name: /Mine/ }));
    await screen.findByRole('heading', { name: 'Sign in' });
    await waitFor(() => expect(window.location.pathname).toBe('/login'));
  });

  it('signs out', async () => {
    const { calls } = signedInApi([]);
    await openInbox();
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    await screen.findByRole('heading', { name: 'Sign in' });
    expect(calls.some((c) => c.method === 'POST' && c.path === '/auth/logout')).toBe(true);
  });

  it('accepts from the queue (Alt+Y), transfers with a note to an agent shown with load and presence, and renders system lines', async () => {
    const a = conv({ id: 'a', status: 'queued', assignee_ids: [] });
    const sys = msg({
      id: 's1',
      conversation_id: 'a',
      direction: 'out',
      private: true,
      sender: { kind: 'system' },
      content: 'Continues #7.',
      system: { action: 'continues', conversation_id: 'old', number: 7 },
    });
    const { calls } = signedInApi([a], { a: [sys] });
    await openInbox();
    fireEvent.click(rows()[0]);
    const link = await screen.findByRole('link', { name: '#7' });
    expect(link.getAttribute('href')).toBe('/conversations/old');
    expect(link.closest('li')!.getAttribute('data-kind')).toBe('system');
    await screen.findByRole('button', { name: 'Accept' });
    fireEvent.keyDown(document.body, { key: 'y', code: 'KeyY', altKey: true });
    await waitFor(() => expect(calls.some((c) => c.method === 'POST' && c.path.endsWith('/conversations/a/accept'))).toBe(true));
    await waitFor(() => expect(screen.getByTestId('thread-status').textContent).toBe('Open'));

    fireEvent.keyDown(document.body, { key: 't', code: 'KeyT', altKey: true });
    const dialog = await screen.findByRole('dialog', { name: /Transfer #/ });
    const bo = await within(dialog).findByRole('radio', { name: /Bo Builder/ });
    const label = bo.closest('label')!;
    expect(label.textContent).toContain('3 / 5');
    expect(label.textContent).toContain('away');
    fireEvent.click(bo);
    fireEvent.change(within(dialog).getByLabelText(/Note for the colleague/), { target: { value: 'Invoice question' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Transfer' }));
    await waitFor(() =>
      expect(calls.find((c) => c.method === 'POST' && c.path.endsWith('/transfer'))?.body).toEqual({ user_id: 'u2', note: 'Invoice question' }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('saves the reply as a server draft after a pause and marks the row', async () => {
    const a = conv({ id: 'a' });
    const { calls } = signedInApi([a], { a: [] });
    await openInbox();
    fireEvent.click(rows()[0]);
    const box = await screen.findByRole('textbox', { name: /Reply/ });
    await waitFor(() => expect(calls.some((c) => c.method === 'GET' && c.path.endsWith('/conversations/a/draft'))).toBe(true));
    fireEvent.change(box, { target: { value: 'Half written' } });
    await waitFor(() => expect(calls.find((c) => c.method === 'PUT' && c.path.endsWith('/draft'))?.body).toEqual({ content: 'Half written' }), {
      timeout: 3000,
    });
    await waitFor(() => expect(within(rows()[0]).getByLabelText('Draft')).toBeTruthy());
  });

  it('switches the reply channel among the contact’s inboxes and sends with inbox_id', async () => {
    const a = conv({ id: 'a', contact: { id: 'multi', name: 'Grace Hopper' }, contact_id: 'multi' });
    const { calls } = signedInApi([a], { a: [] });
    await openInbox();
    fireEvent.click(rows()[0]);
    const sw = await screen.findByRole('combobox', { name: 'Reply channel' });
    expect(Array.from((sw as HTMLSelectElement).options).map((o) => o.value)).toEqual(['in1', 'sms1']);
    fireEvent.change(sw, { target: { value: 'sms1' } });
    const box = screen.getByRole('textbox', { name: /Reply/ });
    fireEvent.change(box, { target: { value: 'By SMS' } });
    await act(async () => {
      fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    });
    await waitFor(() =>
      expect(calls.find((c) => c.method === 'POST' && c.path.endsWith('/conversations/a/messages'))?.body).toEqual({
        content: 'By SMS',
        private: false,
        inbox_id: 'sms1',
      }),
    );
  });
});
