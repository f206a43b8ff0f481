import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { mockFetch } from '../../test/fakes';
import { renderWithSession } from '../../test/session';
import { NoConversations } from './NoConversations';

const inboxes = (n: number) => () => ({ items: Array.from({ length: n }, (_, i) => ({ id: 'i' + i, name: 'Inbox', channel: 'api' })), next_cursor: '' });

describe('NoConversations', () => {
  it('guides an admin of a workspace without inboxes to the channel set-up', async () => {
    mockFetch({ 'GET /workspaces/{ws}/inboxes': inboxes(0) });
    renderWithSession(<NoConversations search={false} />, 'admin');
    fireEvent.click(await screen.findByRole('button', { name: 'Connect your first channel' }));
    expect(window.location.pathname).toBe('/settings/inboxes');
  });

  it('tells an agent that an admin connects channels', async () => {
    mockFetch({ 'GET /workspaces/{ws}/inboxes': inboxes(0) });
    renderWithSession(<NoConversations search={false} />, 'agent');
    expect(await screen.findByText(/connects channels/)).toBeTruthy();
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('says only that the view is empty once a channel exists, or a search matched nothing', async () => {
    const { calls } = mockFetch({ 'GET /workspaces/{ws}/inboxes': inboxes(1) });
    const { unmount } = renderWithSession(<NoConversations search={false} />, 'admin');
    await screen.findByText('No conversations here.');
    await new Promise((r) => setTimeout(r, 0));
    expect(screen.queryByRole('region', { name: 'Connect your first channel' })).toBeNull();
    unmount();
    renderWithSession(<NoConversations search />, 'admin');
    expect(screen.getByText('No loaded conversation matches.')).toBeTruthy();
    expect(calls.length).toBe(1);
  });
});
