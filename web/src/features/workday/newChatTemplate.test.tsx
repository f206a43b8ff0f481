import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { mockFetch } from '../../test/fakes';
import { renderWithSession } from '../../test/session';
import { NewChatDialog } from './dialogs';
import { lastInbound } from './newChatTemplate';

const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();

function server(lastInboundAt: string | null) {
  return mockFetch({
    'GET /workspaces/{ws}/inboxes': () => ({ items: [{ id: 'wa1', name: 'Shop WhatsApp', channel: 'whatsapp', config: null }] }),
    'GET /workspaces/{ws}/contacts': () => ({ items: [{ id: 'c1', name: 'Kim Lee' }] }),
    'GET /workspaces/{ws}/contacts/{id}': () => ({ id: 'c1', name: 'Kim Lee', identities: [{ inbox_id: 'wa1', source_id: '+4915550001' }] }),
    'GET /workspaces/{ws}/contacts/{id}/conversations': () => ({
      items: [{ id: 'old', inbox_id: 'wa1', last_inbound_at: lastInboundAt }],
    }),
    'GET /workspaces/{ws}/inboxes/{id}/templates': () => ({
      items: [{ name: 'order_update', language: 'en_US', status: 'APPROVED', category: 'UTILITY', body: 'Hi {{1}}, order {{2}} shipped.', variables: 2 }],
      fetched_at: '2026-01-01T10:00:00Z',
    }),
    'POST /workspaces/{ws}/conversations': () => ({ id: 'new', number: 7 }),
  });
}

async function pickKim() {
  fireEvent.click(await screen.findByRole('button', { name: /Kim Lee/ }));
  await screen.findByText('Kim Lee', { selector: 'strong' });
}

describe('lastInbound', () => {
  it('takes the newest customer message on the inbox', () => {
    const list = [
      { inbox_id: 'wa1', last_inbound_at: '2026-01-01T10:00:00Z' },
      { inbox_id: 'wa1', last_inbound_at: '2026-01-02T10:00:00Z' },
      { inbox_id: 'tg', last_inbound_at: '2026-01-03T10:00:00Z' },
      { inbox_id: 'wa1', last_inbound_at: null },
    ];
    expect(lastInbound(list, 'wa1')).toBe(Date.parse('2026-01-02T10:00:00Z'));
    expect(lastInbound(list, 'none')).toBeNull();
  });
});

describe('NewChatDialog on WhatsApp', () => {
  it('outside the 24-hour window shows the template picker with a preview and starts the chat with the template', async () => {
    const { calls } = server(hoursAgo(25));
    const onDone = vi.fn();
    renderWithSession(<NewChatDialog onClose={() => {}} onDone={onDone} />);
    await pickKim();
    const select = (await screen.findByLabelText('Template')) as HTMLSelectElement;
    expect(screen.queryByLabelText('Message')).toBeNull();
    await waitFor(() => expect(select.options.length).toBe(2));
    fireEvent.change(select, { target: { value: 'order_update\u0000en_US' } });
    fireEvent.change(screen.getByLabelText('Variable {{1}}'), { target: { value: 'Kim' } });
    fireEvent.change(screen.getByLabelText('Variable {{2}}'), { target: { value: '#42' } });
    expect(screen.getByTestId('template-preview').textContent).toBe('Hi Kim, order #42 shipped.');
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Send template' }));
    });
    const post = calls.find((c) => c.method === 'POST' && c.path.endsWith('/conversations'));
    expect(post?.body).toEqual({
      contact_id: 'c1',
      inbox_id: 'wa1',
      template: { name: 'order_update', language: 'en_US', parameters: ['Kim', '#42'] },
    });
    expect(onDone).toHaveBeenCalledWith({ id: 'new', number: 7 });
  });

  it('inside the window keeps the message box', async () => {
    server(hoursAgo(2));
    renderWithSession(<NewChatDialog onClose={() => {}} onDone={() => {}} />);
    await pickKim();
    expect(await screen.findByLabelText('Message')).toBeTruthy();
    expect(screen.queryByLabelText('Template')).toBeNull();
  });
});
