import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { useLocation } from './router';
import { Settings, settingsRoute } from './Settings';
import { mockFetch, reply } from './test/fakes';
import { renderWithSession } from './test/session';
import type { ChannelHealth, Inbox } from './types';

function Routed() {
  const loc = useLocation();
  return <Settings path={loc.path} search={loc.search} />;
}

const health = (over: Partial<ChannelHealth> = {}): ChannelHealth => ({
  inbox_id: 'x',
  last_inbound_at: null,
  last_sent_at: null,
  last_error: '',
  last_error_at: null,
  failing_since: null,
  consecutive_failures: 0,
  alerted_at: null,
  rejected_signature: 0,
  rejected_malformed: 0,
  last_rejected_at: null,
  last_rejection: '',
  ...over,
});

const WA_ID = '01a2-wa';
const waInbox: Inbox = {
  id: WA_ID,
  name: 'WhatsApp Support',
  channel: 'whatsapp',
  config: {
    phone_number_id: '106540352242922',
    waba_id: '102290129340398',
    verify_token: 'vt_generated_token',
    webhook_url: 'https://parley.example.com/webhooks/whatsapp/' + WA_ID,
  },
  created_at: '2026-01-01T00:00:00Z',
};

function serverWith(inboxes: Inbox[], healthOf: Record<string, ChannelHealth> = {}) {
  const state = { inboxes: [...inboxes] };
  const api = mockFetch({
    'GET /workspaces/{ws}/inboxes': () => ({ items: state.inboxes, next_cursor: '' }),
    'GET /workspaces/{ws}/inboxes/{id}': (_c, [, id]) => state.inboxes.find((i) => i.id === id) ?? reply(404, { detail: 'No such inbox.' }),
    'GET /workspaces/{ws}/inboxes/{id}/health': (_c, [, id]) => healthOf[id] ?? health({ inbox_id: id }),
    'POST /workspaces/{ws}/inboxes': (c) => {
      const b = c.body as { name: string; channel: string; config: Record<string, string> };
      if (b.config.phone_number_id === '999') {
        return reply(422, {
          title: 'Unprocessable Entity',
          status: 422,
          detail: 'The phone number id is not valid.',
          errors: [{ location: 'body.config.phone_number_id', message: 'The phone number id is not valid: it is not a WhatsApp phone number id (digits).' }],
        });
      }
      const secrets = ['access_token', 'app_secret', 'auth_token', 'bot_token', 'secret_token', 'page_access_token'];
      const config: Record<string, string> = {};
      for (const [k, v] of Object.entries(b.config)) if (!secrets.includes(k)) config[k] = v;
      const ib: Inbox = {
        id: 'new-1',
        name: b.name,
        channel: b.channel,
        config: { ...config, verify_token: config.verify_token || 'generated-verify', webhook_url: 'https://parley.example.com/webhooks/whatsapp/new-1' },
        created_at: '2026-01-02T00:00:00Z',
      };
      state.inboxes.push(ib);
      return reply(201, ib);
    },
    'PATCH /workspaces/{ws}/inboxes/{id}': (c, [, id]) => {
      const i = state.inboxes.findIndex((x) => x.id === id);
      const b = c.body as { name?: string };
      state.inboxes[i] = { ...state.inboxes[i], name: b.name ?? state.inboxes[i].name };
      return state.inboxes[i];
    },
    'DELETE /workspaces/{ws}/inboxes/{id}': (_c, [, id]) => {
      state.inboxes = state.inboxes.filter((x) => x.id !== id);
      return reply(204);
    },
    'POST /workspaces/{ws}/inboxes/{id}/test': () => ({ ok: false, status: 401, error: 'The provider refused the credentials.', latency_ms: 12, checked_at: '2026-01-01T00:00:00Z' }),
  });
  return { ...api, state };
}

describe('settingsRoute', () => {
  it('reads the settings paths', () => {
    expect(settingsRoute('/settings')).toEqual({ page: 'list' });
    expect(settingsRoute('/settings/inboxes/new')).toEqual({ page: 'new' });
    expect(settingsRoute('/settings/inboxes/abc')).toEqual({ page: 'inbox', id: 'abc' });
    expect(settingsRoute('/elsewhere')).toBeNull();
  });
});

describe('Settings', () => {
  it('is for admins only', async () => {
    serverWith([waInbox]);
    window.history.replaceState(null, '', '/settings');
    renderWithSession(<Routed />, 'agent');
    expect(screen.getByRole('heading', { name: 'Admins only' })).toBeTruthy();
    expect(screen.queryByRole('list', { name: 'Inboxes' })).toBeNull();
    expect(screen.queryByRole('link', { name: 'Settings' })).toBeNull();
  });

  it('lists the inboxes with a health badge each', async () => {
    serverWith(
      [waInbox, { ...waInbox, id: 'sms1', name: 'SMS', channel: 'twilio_sms', config: {} }],
      { [WA_ID]: health({ consecutive_failures: 2, last_error: 'Message undeliverable' }), sms1: health({ last_sent_at: '2026-01-01T00:00:00Z' }) },
    );
    window.history.replaceState(null, '', '/settings');
    renderWithSession(<Routed />);
    const list = await screen.findByRole('list', { name: 'Inboxes' });
    expect(within(screen.getByRole('banner')).getByRole('link', { name: 'Settings' }).getAttribute('aria-current')).toBe('page');
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    await within(items[0]).findByText('Failing: 2 sends failed');
    await within(items[1]).findByText('Healthy');
    // Every kind can be added.
    const kinds = within(screen.getByRole('list', { name: 'Inbox kinds' })).getAllByRole('link').map((a) => a.textContent);
    expect(kinds).toEqual(expect.arrayContaining([expect.stringContaining('WhatsApp'), expect.stringContaining('SMS (Twilio)'), expect.stringContaining('Messenger'), expect.stringContaining('Telegram'), expect.stringContaining('API')]));
  });

  it('creates a WhatsApp inbox, then shows the webhook URL and the generated verify token to copy', async () => {
    const { calls } = serverWith([]);
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    window.history.replaceState(null, '', '/settings/inboxes/new?kind=whatsapp');
    renderWithSession(<Routed />);
    const form = await screen.findByRole('form', { name: /WhatsApp inbox/ });
    const f = within(form);
    fireEvent.change(f.getByLabelText(/^Name/), { target: { value: 'WhatsApp Support' } });
    fireEvent.change(f.getByLabelText(/^Phone number ID/), { target: { value: '106540352242922' } });
    fireEvent.change(f.getByLabelText(/^WhatsApp Business Account ID/), { target: { value: '102290129340398' } });
    fireEvent.change(f.getByLabelText(/^Access token/), { target: { value: 'EAAG-secret' } });
    expect((f.getByLabelText(/^Access token/) as HTMLInputElement).type).toBe('password');
    await act(async () => {
      fireEvent.click(f.getByRole('button', { name: 'Create inbox' }));
    });
    const post = calls.find((c) => c.method === 'POST' && c.path.endsWith('/inboxes'));
    // The verify token and app secret were left empty: not sent (generated / server-wide).
    expect(post?.body).toEqual({
      name: 'WhatsApp Support',
      channel: 'whatsapp',
      config: { phone_number_id: '106540352242922', waba_id: '102290129340398', access_token: 'EAAG-secret' },
    });
    expect(window.location.pathname + window.location.search).toBe('/settings/inboxes/new-1?created=1');
    await screen.findByText(/The inbox was created/);
    const setup = screen.getByRole('group', { name: 'Provider set-up' });
    expect((within(setup).getByRole('textbox', { name: 'Webhook URL' }) as HTMLInputElement).value).toBe(
      'https://parley.example.com/webhooks/whatsapp/new-1',
    );
    expect((within(setup).getByRole('textbox', { name: 'Verify token' }) as HTMLInputElement).value).toBe('generated-verify');
    await act(async () => {
      fireEvent.click(within(setup).getByRole('button', { name: 'Copy webhook url' }));
    });
    expect(writeText).toHaveBeenCalledWith('https://parley.example.com/webhooks/whatsapp/new-1');
    expect(within(setup).getByText('Copied')).toBeTruthy();
    // The secret is write-only: "Set", and the field is empty.
    expect(screen.getByTestId('secret-access_token').textContent).toBe('Set');
    expect((screen.getByLabelText(/^Access token/) as HTMLInputElement).value).toBe('');
    expect(document.body.textContent).not.toContain('EAAG-secret');
  });

  it('shows the server’s field errors next to the field', async () => {
    serverWith([]);
    window.history.replaceState(null, '', '/settings/inboxes/new?kind=whatsapp');
    renderWithSession(<Routed />);
    const form = await screen.findByRole('form', { name: /WhatsApp inbox/ });
    const f = within(form);
    fireEvent.change(f.getByLabelText(/^Name/), { target: { value: 'WA' } });
    fireEvent.change(f.getByLabelText(/^Phone number ID/), { target: { value: '999' } });
    fireEvent.change(f.getByLabelText(/^Access token/), { target: { value: 't' } });
    await act(async () => {
      fireEvent.click(f.getByRole('button', { name: 'Create inbox' }));
    });
    expect(f.getByRole('alert').textContent).toContain('The phone number id is not valid');
    const input = f.getByLabelText(/^Phone number ID/);
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(input.getAttribute('aria-describedby')!)?.textContent).toContain('digits');
  });

  it('says a field error once, next to its field (the API inbox form)', async () => {
    const msg = 'The callback URL is not allowed. It must not point to a private or loopback address.';
    mockFetch({
      'GET /workspaces/{ws}/inboxes': () => ({ items: [], next_cursor: '' }),
      'POST /workspaces/{ws}/inboxes': () =>
        reply(422, { title: 'Unprocessable Entity', status: 422, detail: msg, errors: [{ location: 'body.config.callback_url', message: msg }] }),
    });
    window.history.replaceState(null, '', '/settings/inboxes/new?kind=api');
    renderWithSession(<Routed />);
    const form = await screen.findByRole('form', { name: /API inbox/ });
    const f = within(form);
    fireEvent.change(f.getByLabelText(/^Name/), { target: { value: 'Website' } });
    fireEvent.change(f.getByLabelText(/^Callback URL/), { target: { value: 'https://127.0.0.1/hook' } });
    await act(async () => {
      fireEvent.click(f.getByRole('button', { name: 'Create inbox' }));
    });
    const input = f.getByLabelText(/^Callback URL/);
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(input.getAttribute('aria-describedby')!)?.textContent).toBe(msg);
    // Said once: the alert points at the field instead of repeating it.
    expect(form.textContent!.split(msg).length - 1).toBe(1);
    expect(f.getByRole('alert').textContent).toContain('Callback URL');
  });

  it('shows a name error under the name', async () => {
    mockFetch({
      'GET /workspaces/{ws}/inboxes': () => ({ items: [], next_cursor: '' }),
      'POST /workspaces/{ws}/inboxes': () =>
        reply(422, { title: 'Unprocessable Entity', status: 422, detail: 'validation failed', errors: [{ location: 'body.name', message: 'The name is taken.' }] }),
    });
    window.history.replaceState(null, '', '/settings/inboxes/new?kind=api');
    renderWithSession(<Routed />);
    const form = await screen.findByRole('form', { name: /API inbox/ });
    const f = within(form);
    fireEvent.change(f.getByLabelText(/^Name/), { target: { value: 'Website' } });
    await act(async () => {
      fireEvent.click(f.getByRole('button', { name: 'Create inbox' }));
    });
    const input = f.getByLabelText(/^Name/);
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(input.getAttribute('aria-describedby')!)?.textContent).toBe('The name is taken.');
    expect(form.textContent!.split('The name is taken.').length - 1).toBe(1);
  });

  it('shows health and the outcome of "Test connection"; edits without resending secrets; deletes after confirming', async () => {
    const { calls, state } = serverWith([waInbox], {
      [WA_ID]: health({
        last_inbound_at: '2026-01-01T10:00:00Z',
        last_error: 'Message undeliverable',
        last_error_at: '2026-01-01T11:00:00Z',
        consecutive_failures: 1,
        rejected_signature: 3,
        rejected_malformed: 1,
        last_rejected_at: '2026-01-01T09:00:00Z',
        last_rejection: 'bad signature',
      }),
    });
    window.history.replaceState(null, '', '/settings/inboxes/' + WA_ID);
    renderWithSession(<Routed />);
    await screen.findByRole('heading', { name: /WhatsApp Support/ });
    const hp = await screen.findByRole('region', { name: 'Channel health' });
    await within(hp).findByText('Failing: 1 send failed');
    expect(screen.getByTestId('health-last-error').textContent).toContain('Message undeliverable');
    expect(screen.getByTestId('health-rejected').textContent).toContain('3 with a bad signature, 1 malformed');
    expect(screen.getByTestId('health-last-sent').textContent).toBe('Never');
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Test connection' }));
    });
    expect(within(hp).getByText(/Connection failed \(HTTP 401\): The provider refused the credentials\./)).toBeTruthy();

    const form = screen.getByRole('form', { name: /Settings/ });
    const f = within(form);
    expect((f.getByLabelText(/^Phone number ID/) as HTMLInputElement).value).toBe('106540352242922');
    expect(f.getByTestId('secret-app_secret').textContent).toBe('Write-only');
    fireEvent.change(f.getByLabelText(/^Name/), { target: { value: 'WhatsApp Sales' } });
    await act(async () => {
      fireEvent.click(f.getByRole('button', { name: 'Save changes' }));
    });
    const patch = calls.find((c) => c.method === 'PATCH');
    expect(patch?.body).toEqual({
      name: 'WhatsApp Sales',
      config: { phone_number_id: '106540352242922', waba_id: '102290129340398', verify_token: 'vt_generated_token' },
      fallback_inbox_id: '',
    });
    expect(f.getByRole('status').textContent).toBe('Changes saved.');

    fireEvent.click(screen.getByRole('button', { name: 'Delete inbox…' }));
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Yes, delete it' }));
    });
    expect(state.inboxes).toHaveLength(0);
    await waitFor(() => expect(window.location.pathname).toBe('/settings'));
    await screen.findByText(/No inboxes yet\./);
  });

  it('shows a failed "Test connection" as the last error in health', async () => {
    let h = health({ inbox_id: WA_ID });
    mockFetch({
      'GET /workspaces/{ws}/inboxes': () => ({ items: [waInbox], next_cursor: '' }),
      'GET /workspaces/{ws}/inboxes/{id}': () => waInbox,
      'GET /workspaces/{ws}/inboxes/{id}/health': () => h,
      'POST /workspaces/{ws}/inboxes/{id}/test': () => {
        // The server records the failure in the inbox's health.
        h = health({ inbox_id: WA_ID, last_error: 'Test connection failed: The provider refused the credentials.', last_error_at: '2026-01-01T12:00:00Z' });
        return { ok: false, status: 401, error: 'The provider refused the credentials.', latency_ms: 12, checked_at: '2026-01-01T12:00:00Z' };
      },
    });
    window.history.replaceState(null, '', '/settings/inboxes/' + WA_ID);
    renderWithSession(<Routed />);
    await screen.findByRole('region', { name: 'Channel health' });
    await waitFor(() => expect(screen.getByTestId('health-last-error').textContent).toBe('None'));
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Test connection' }));
    });
    await waitFor(() => expect(screen.getByTestId('health-last-error').textContent).toContain('Test connection failed: The provider refused the credentials.'));
  });

  it('warns when the webhook URL is not public https (PARLEY_PUBLIC_URL on http or loopback)', async () => {
    const local = { ...waInbox, config: { ...waInbox.config, webhook_url: 'http://localhost:8080/webhooks/whatsapp/' + WA_ID } };
    serverWith([local]);
    window.history.replaceState(null, '', '/settings/inboxes/' + WA_ID);
    renderWithSession(<Routed />);
    const setup = await screen.findByRole('group', { name: 'Provider set-up' });
    const warning = within(setup).getByTestId('webhook-url-warning');
    expect(warning.textContent).toContain('need a public https URL');
    expect(warning.textContent).toContain('PARLEY_PUBLIC_URL');
  });

  it('does not warn about a public https webhook URL', async () => {
    serverWith([waInbox]);
    window.history.replaceState(null, '', '/settings/inboxes/' + WA_ID);
    renderWithSession(<Routed />);
    const setup = await screen.findByRole('group', { name: 'Provider set-up' });
    expect(within(setup).queryByTestId('webhook-url-warning')).toBeNull();
  });

  it('shows an API inbox its inbound URL and callback secret', async () => {
    serverWith([{ id: 'api1', name: 'Website', channel: 'api', config: {}, inbound_token: 'pin_abc', callback_secret: 'whsec_xyz', created_at: '' }]);
    window.history.replaceState(null, '', '/settings/inboxes/api1');
    renderWithSession(<Routed />);
    const setup = await screen.findByRole('group', { name: 'Provider set-up' });
    expect((within(setup).getByRole('textbox', { name: 'Inbound URL' }) as HTMLInputElement).value).toBe(
      window.location.origin + '/api/v1/inbound/pin_abc/messages',
    );
    const secret = within(setup).getByLabelText('Callback secret') as HTMLInputElement;
    expect(secret.type).toBe('password');
    fireEvent.click(within(setup).getByRole('button', { name: 'Show' }));
    expect(secret.type).toBe('text');
    expect(secret.value).toBe('whsec_xyz');
    expect(screen.queryByRole('button', { name: 'Test connection' })).toBeNull();
  });
});
