// The delivery line of an email reply shows an icon for opened and
// clicked (and the failures), beside the words.
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Message } from '../../types';
import { Delivery } from '../../Thread';
import { hasStatusIcon } from './StatusIcon';

function reply(status: string): Message {
  return {
    id: 'm1', conversation_id: 'c1', direction: 'out', sender: { kind: 'agent', name: 'Sam' }, private: false,
    content: 'Hi', channel: 'email', status, created_at: '2026-12-02T10:00:00Z',
    status_history: [{ status: 'sent', at: '2026-12-02T10:00:01Z' }, { status, at: '2026-12-02T10:05:00Z' }],
  } as Message;
}

describe('email status icons', () => {
  it.each([
    ['opened', 'Opened'],
    ['clicked', 'Clicked'],
  ])('shows %s with its icon and label', (status, label) => {
    const { container } = render(<Delivery m={reply(status)} />);
    expect(screen.getByTestId('email-status-' + status)).toBeTruthy();
    expect(container.querySelector('.delivery-status')?.textContent).toBe(label);
    expect(container.querySelector('[data-status]')?.getAttribute('data-status')).toBe(status);
  });

  it('shows no icon for statuses without one', () => {
    render(<Delivery m={reply('delivered')} />);
    expect(screen.queryByTestId(/email-status-/)).toBeNull();
    expect(hasStatusIcon('sent')).toBe(false);
    expect(hasStatusIcon('clicked')).toBe(true);
  });
});
