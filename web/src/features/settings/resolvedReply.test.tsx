// Settings → Workspace: the lifecycle rule for a customer writing to a
// resolved conversation is chosen and saved with the settings.
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithSession } from '../../test/session';
import { WorkspacePage } from './Workspace';

function jsonResponse(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

const lifecycle = { auto_resolve_hours: 24, abandon_minutes: 0, closing_phrases_enabled: false, closing_phrases: [], close_reasons: ['Resolved'], purge_days: 7 };

describe('Workspace settings: resolved reply', () => {
  afterEach(() => vi.unstubAllGlobals());
  it('defaults to a new conversation and saves reopen', async () => {
    const sent: unknown[] = [];
    const fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
      if (init?.method === 'PATCH' && /\/workspaces\/[^/]+$/.test(url)) {
        const body = JSON.parse(String(init.body));
        sent.push(body);
        return jsonResponse(200, { id: 'w1', name: body.name, settings: body.settings, created_at: '2026-01-01T00:00:00Z' });
      }
      if (/\/workspaces\/[^/]+$/.test(url)) {
        return jsonResponse(200, { id: 'w1', name: 'Acme', settings: { join_mode: 'contact', agent_scope: 'all', lifecycle }, created_at: '2026-01-01T00:00:00Z' });
      }
      return jsonResponse(200, { items: [], next_cursor: '' });
    });
    vi.stubGlobal('fetch', fetchMock);
    renderWithSession(<WorkspacePage />);
    const select = (await screen.findByLabelText('When a customer writes to a resolved conversation')) as HTMLSelectElement;
    expect(select.value).toBe('new_conversation');
    fireEvent.change(select, { target: { value: 'reopen' } });
    fireEvent.submit(screen.getByRole('form', { name: 'Workspace settings' }));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect((sent[0] as { settings: { lifecycle: { resolved_reply: string } } }).settings.lifecycle.resolved_reply).toBe('reopen');
  });
});
