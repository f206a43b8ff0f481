import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { mockFetch } from '../../test/fakes';
import { renderWithSession, WS } from '../../test/session';
import { PresetsSection } from './CardExtras';

const MEMBERS = [
  { id: 'u1', name: 'Ann Agent', email: 'ann@example.com', role: 'agent' },
  { id: 'u2', name: 'Bo Agent', email: 'bo@example.com', role: 'agent' },
];

describe('PresetsSection', () => {
  it('shows the presets and saves the admin’s choice, assignee and restricted visibility', async () => {
    const net = mockFetch({
      'GET /workspaces/{ws}/users': () => ({ items: MEMBERS }),
      'GET /workspaces/{ws}/contacts/{id}/presets': () => ({ assignee_ids: [], visible_to: null }),
      'PUT /workspaces/{ws}/contacts/{id}/presets': () => ({ assignee_ids: ['u2'], visible_to: ['u2'] }),
    });
    renderWithSession(<PresetsSection ws={WS} contactId="c1" isAdmin />);
    await screen.findByText('routing decides');
    expect(screen.getByText('everyone')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Edit presets' }));
    fireEvent.click(screen.getAllByLabelText('Bo Agent')[0]);
    fireEvent.click(screen.getByLabelText('Only the people chosen (and the assignees)'));
    fireEvent.click(screen.getByRole('button', { name: 'Save presets' }));
    await screen.findByText('Assigned to: Bo Agent');
    const put = net.calls.find((c) => c.method === 'PUT');
    expect(put?.body).toEqual({ assignee_ids: ['u2'], visible_to: [] });
  });

  it('offers no editing to agents', async () => {
    mockFetch({
      'GET /workspaces/{ws}/users': () => ({ items: MEMBERS }),
      'GET /workspaces/{ws}/contacts/{id}/presets': () => ({ assignee_ids: ['u1'], visible_to: null }),
    });
    renderWithSession(<PresetsSection ws={WS} contactId="c1" isAdmin={false} />, 'agent');
    await waitFor(() => expect(screen.getByText(/Assigned to:/).textContent).toContain('Ann Agent'));
    expect(screen.queryByRole('button', { name: 'Edit presets' })).toBeNull();
  });
});
