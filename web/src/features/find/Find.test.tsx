// The find side inside the inbox: the server's search results as list rows
// (snippets with only <mark>), a hit opening its message, the view counts
// taking the socket's pushed counts, and views kept in the address.
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../App';
import { conv, FakeSocket, installFakeSocket, mockFetch } from '../../test/fakes';

const me = { id: 'u1', name: 'Ada Agent', email: 'ada@example.com', avatar_url: '' };
const WS = 'ws1';

function setup() {
  const a = conv({ id: 'a', contact: { id: 'ca', name: 'Grace Hopper' } });
  const b = conv({ id: 'b', contact: { id: 'cb', name: 'Alan Turing' } });
  return mockFetch({
    'GET /me': () => ({ user: me, workspaces: [{ id: WS, name: 'Acme', role: 'admin' }] }),
    'GET /workspaces/{ws}/users': () => ({ items: [{ ...me, role: 'admin', availability: 'online', capacity: 0, team_ids: [] }], next_cursor: '' }),
    'GET /workspaces/{ws}/teams': () => ({ items: [], next_cursor: '' }),
    'GET /workspaces/{ws}/inboxes': () => ({ items: [{ id: 'in1', name: 'API', channel: 'api', config: {} }], next_cursor: '' }),
    'GET /workspaces/{ws}/saved-filters': () => ({ items: [{ id: 's1', name: 'VIPs', count: 7, shared: true, owner_id: 'u2', filter: { match: 'all', conditions: [{ field: 'tag', op: 'eq', value: 'vip' }] } }] }),
    'GET /workspaces/{ws}/conversations/counts': () => ({ all: 2, mine: 0, unassigned: 2, unreplied: 1 }),
    'GET /workspaces/{ws}/conversations': () => ({ items: [a, b], next_cursor: '' }),
    'GET /workspaces/{ws}/conversations/{id}': (_c, [, id]) => (id === 'a' ? a : b),
    'GET /workspaces/{ws}/conversations/{id}/messages': () => ({ items: [], next_cursor: '' }),
    'GET /workspaces/{ws}/search': () => ({
      items: [
        { conversation: b, matched: 'contact', snippet: '' },
        { conversation: a, matched: 'message', message_id: 'm9', snippet: 'my &lt;b&gt;<mark>parcel</mark>&lt;/b&gt; is late' },
      ],
      next_cursor: '',
    }),
  });
}

async function openInbox() {
  render(<App />);
  await screen.findByRole('listbox', { name: 'Conversations' });
  await waitFor(() => expect(FakeSocket.instances.length).toBeGreaterThan(0));
  act(() => FakeSocket.last().open(100));
}

const rows = () => within(screen.getByRole('listbox', { name: 'Conversations' })).queryAllByRole('option');

describe('find in the inbox', () => {
  beforeEach(() => {
    installFakeSocket();
    window.history.replaceState(null, '', '/');
  });

  it('shows the server search results with safe snippets and opens a hit at its message', async () => {
    const { calls } = setup();
    await openInbox();
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search conversations' }), { target: { value: 'parcel' } });
    await waitFor(() => expect(screen.getAllByTestId('search-snippet')).toHaveLength(1), { timeout: 3000 });
    expect(calls.some((c) => c.path === '/workspaces/ws1/search?q=parcel&limit=30')).toBe(true);
    expect(rows()).toHaveLength(2);
    const snip = screen.getByTestId('search-snippet');
    expect(snip.querySelector('b')).toBeNull();
    expect(snip.querySelector('mark')?.textContent).toBe('parcel');
    expect(snip.textContent).toBe('my <b>parcel</b> is late');
    fireEvent.click(rows()[1]);
    await waitFor(() => expect(window.location.pathname + window.location.search).toBe('/conversations/a?msg=m9'));
  }, 20000);

  it('asks the socket for counts, shows them, and keeps the view in the address', async () => {
    const { calls } = setup();
    await openInbox();
    expect(FakeSocket.last().url).toContain('counts=1');
    await waitFor(() => expect(screen.getByTestId('count-unreplied').textContent).toBe('1'));
    act(() => FakeSocket.last().emit({ type: 'counts', data: { all: 3, mine: 1, unassigned: 2, unreplied: 2 } }));
    expect(screen.getByTestId('count-unreplied').textContent).toBe('2');
    expect(screen.getByTestId('count-all').textContent).toBe('3');
    expect(screen.getByTestId('saved-count-VIPs').textContent).toBe('7');
    fireEvent.click(screen.getByRole('button', { name: /^Unreplied/ }));
    await waitFor(() => expect(window.location.search).toBe('?view=unreplied'));
    await waitFor(() => expect(calls.some((c) => c.path.startsWith('/workspaces/ws1/conversations?view=unreplied'))).toBe(true));
    // No status list for a view with its own default.
    expect(calls.find((c) => c.path.startsWith('/workspaces/ws1/conversations?view=unreplied'))!.path).not.toContain('status=');
    fireEvent.click(screen.getByRole('button', { name: /^VIPs/ }));
    await waitFor(() => expect(new URLSearchParams(window.location.search).get('saved')).toBe('s1'));
    await waitFor(() => expect(calls.some((c) => c.path.includes('filter=') && decodeURIComponent(c.path).includes('"value":"vip"'))).toBe(true));
  }, 20000);
});
