// New chat on an email inbox asks for a subject and sends it; on other
// channels there is no subject field and none is sent.
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithSession } from '../../test/session';
import { NewChatDialog } from '../workday/dialogs';

function jsonResponse(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

const inboxes = [
  { id: 'i-mail', name: 'Support', channel: 'email', config: {} },
  { id: 'i-sms', name: 'Texts', channel: 'twilio_sms', config: {} },
];
const contact = { id: 'ct1', name: 'Alice Doe', email: 'alice@customer.test', identities: [{ inbox_id: 'i-mail', source_id: 'alice@customer.test' }, { inbox_id: 'i-sms', source_id: '+14155550100' }] };

function setup() {
  const posted: Record<string, unknown>[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      if (init?.method === 'POST' && /\/conversations$/.test(url)) {
        const body = JSON.parse(String(init.body));
        posted.push(body);
        return jsonResponse(201, { id: 'c9', number: 9, status: 'open', subject: body.subject ?? '' });
      }
      if (/\/inboxes/.test(url)) return jsonResponse(200, { items: inboxes, next_cursor: '' });
      if (/\/contacts\/ct1$/.test(url)) return jsonResponse(200, contact);
      if (/\/contacts/.test(url)) return jsonResponse(200, { items: [contact], next_cursor: '' });
      return jsonResponse(200, { items: [], next_cursor: '' });
    }),
  );
  const done = vi.fn();
  renderWithSession(<NewChatDialog onClose={() => {}} onDone={done} />);
  return { posted, done };
}

describe('New chat with a subject', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('asks for a subject on an email inbox and sends it', async () => {
    const { posted, done } = setup();
    fireEvent.click(await screen.findByRole('button', { name: /Alice Doe/ }));
    const subject = (await screen.findByLabelText(/Subject/)) as HTMLInputElement;
    expect(subject.required).toBe(true);
    fireEvent.change(subject, { target: { value: 'Invoice 2026-12' } });
    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'Your invoice.' } });
    fireEvent.submit(screen.getByRole('form', { name: 'First message' }));
    await waitFor(() => expect(done).toHaveBeenCalled());
    expect(posted[0]).toEqual({ contact_id: 'ct1', inbox_id: 'i-mail', content: 'Your invoice.', subject: 'Invoice 2026-12' });
  });

  it('has no subject on other channels', async () => {
    const { posted, done } = setup();
    fireEvent.click(await screen.findByRole('button', { name: /Alice Doe/ }));
    await screen.findByLabelText(/Subject/);
    fireEvent.change(screen.getByLabelText('Channel'), { target: { value: 'i-sms' } });
    expect(screen.queryByLabelText(/Subject/)).toBeNull();
    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'Hi' } });
    fireEvent.submit(screen.getByRole('form', { name: 'First message' }));
    await waitFor(() => expect(done).toHaveBeenCalled());
    expect(posted[0]).toEqual({ contact_id: 'ct1', inbox_id: 'i-sms', content: 'Hi' });
  });
});
