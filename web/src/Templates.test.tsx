import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { fillTemplate, TemplatePicker } from './Templates';
import { mockFetch } from './test/fakes';
import { renderWithSession } from './test/session';
import type { Template } from './types';

const TEMPLATES: Template[] = [
  { name: 'order_update', language: 'en_US', status: 'APPROVED', category: 'UTILITY', body: 'Hi {{1}}, your order {{2}} has shipped.', variables: 2 },
  { name: 'hello', language: 'en_US', status: 'APPROVED', category: 'MARKETING', body: 'Hello!', variables: 0 },
  { name: 'draft', language: 'en_US', status: 'PENDING', category: 'MARKETING', body: 'Soon', variables: 0 },
];

function server() {
  let fetched = 0;
  return mockFetch({
    'GET /workspaces/{ws}/inboxes/{id}/templates': () => ({ items: TEMPLATES.slice(0, 2 + Math.min(fetched, 1)), fetched_at: '2026-01-01T10:00:00Z' }),
    'POST /workspaces/{ws}/inboxes/{id}/templates/refresh': () => {
      fetched++;
      return { items: [...TEMPLATES, { ...TEMPLATES[1], name: 'new_one' }], fetched_at: '2026-01-01T11:00:00Z' };
    },
  });
}

describe('fillTemplate', () => {
  it('fills {{n}} with the parameters and keeps the blank ones visible', () => {
    expect(fillTemplate('Hi {{1}}, order {{2}}.', ['Kim', '#42'])).toBe('Hi Kim, order #42.');
    expect(fillTemplate('Hi {{1}}, order {{ 2 }}.', ['Kim', ' '])).toBe('Hi Kim, order {{ 2 }}.');
  });
});

describe('TemplatePicker', () => {
  it('offers approved templates, fills the variables with a preview, and sends name, language and parameters', async () => {
    server();
    const onSend = vi.fn(async () => {});
    renderWithSession(<TemplatePicker inboxId="wa1" onSend={onSend} />);
    const select = (await screen.findByLabelText('Template')) as HTMLSelectElement;
    await waitFor(() => expect(select.options.length).toBe(3));
    expect(Array.from(select.options).map((o) => o.textContent)).toEqual(['Choose a template…', 'order_update (en_US)', 'hello (en_US)']);
    const send = screen.getByRole('button', { name: 'Send template' }) as HTMLButtonElement;
    expect(send.disabled).toBe(true);

    fireEvent.change(select, { target: { value: 'order_update\u0000en_US' } });
    expect(screen.getByTestId('template-preview').textContent).toBe('Hi {{1}}, your order {{2}} has shipped.');
    expect(screen.getByText('Fill in all 2 variables to send.')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Variable {{1}}'), { target: { value: 'Kim' } });
    expect(send.disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Variable {{2}}'), { target: { value: ' #42 ' } });
    expect(screen.getByTestId('template-preview').textContent).toBe('Hi Kim, your order  #42  has shipped.');
    expect(send.disabled).toBe(false);
    await act(async () => {
      fireEvent.click(send);
    });
    expect(onSend).toHaveBeenCalledWith({ name: 'order_update', language: 'en_US', parameters: ['Kim', '#42'] });
    expect((screen.getByLabelText('Variable {{1}}') as HTMLInputElement).value).toBe('');
    expect(screen.getByText('Template “order_update” queued.')).toBeTruthy();
  });

  it('refreshes from the provider and lists templates that are not approved, disabled', async () => {
    const { calls } = server();
    renderWithSession(<TemplatePicker inboxId="wa1" onSend={async () => {}} />);
    const select = (await screen.findByLabelText('Template')) as HTMLSelectElement;
    await waitFor(() => expect(select.options.length).toBe(3));
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Refresh templates' }));
    });
    expect(calls.some((c) => c.method === 'POST' && c.path === '/workspaces/ws1/inboxes/wa1/templates/refresh')).toBe(true);
    const draft = Array.from(select.options).find((o) => o.textContent?.startsWith('draft'))!;
    expect(draft.disabled).toBe(true);
    expect(draft.textContent).toContain('pending');
    expect(Array.from(select.options).some((o) => o.textContent === 'new_one (en_US)')).toBe(true);
  });

  it('keeps the variables and shows the server’s refusal when sending fails', async () => {
    server();
    const onSend = vi.fn(async () => {
      throw new Error('The template "order_update" takes 2 parameters, not 1.');
    });
    renderWithSession(<TemplatePicker inboxId="wa1" onSend={onSend} />);
    const select = (await screen.findByLabelText('Template')) as HTMLSelectElement;
    await waitFor(() => expect(select.options.length).toBe(3));
    fireEvent.change(select, { target: { value: 'order_update\u0000en_US' } });
    fireEvent.change(screen.getByLabelText('Variable {{1}}'), { target: { value: 'Kim' } });
    fireEvent.change(screen.getByLabelText('Variable {{2}}'), { target: { value: '#1' } });
    await act(async () => {
      fireEvent.keyDown(screen.getByLabelText('Variable {{2}}'), { key: 'Enter', ctrlKey: true });
    });
    expect(screen.getByRole('alert').textContent).toContain('takes 2 parameters');
    expect((screen.getByLabelText('Variable {{1}}') as HTMLInputElement).value).toBe('Kim');
  });
});
