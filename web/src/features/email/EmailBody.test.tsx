// The email body: quoted history collapsed, sanitized HTML in a frame where
// nothing runs and remote images wait, the sender-check warning.
import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { EmailInfo, Message } from '../../types';
import { authWarning, EmailBody, emailDocument, quoteSplit } from './EmailBody';

function message(content: string, email: EmailInfo, extra: Partial<Message> = {}): Message {
  return {
    id: 'm1', conversation_id: 'c1', direction: 'in', sender: { kind: 'contact', name: 'Alice' }, private: false,
    content, channel: 'email', status: 'received', created_at: '2026-12-02T10:00:00Z', email, ...extra,
  };
}

describe('EmailBody', () => {
  it('splits the quoted history and shows it on demand', () => {
    expect(quoteSplit('Thanks!\n\nOn Mon, Bob wrote:\n> hi', 9)).toEqual(['Thanks!', 'On Mon, Bob wrote:\n> hi']);
    expect(quoteSplit('no quote', -1)).toEqual(['no quote', '']);
    const text = 'Thanks, it works.\n\nOn Mon, 1 Dec 2026, Support wrote:\n> Try turning it off and on.';
    render(<EmailBody m={message(text, { message_id: 'a@b', subject: 'Printer', quote_at: 19 })} workspaceId="w1" />);
    expect(screen.getByTestId('email-subject').textContent).toBe('Printer');
    expect(screen.queryByText(/turning it off/)).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: /show quoted text/i }));
    expect(screen.getByText(/turning it off/)).toBeTruthy();
  });

  it('renders HTML in a frame without scripts and holds remote images until asked', () => {
    const e: EmailInfo = {
      message_id: 'a@b', subject: 'Hi', html: '<p>Hello</p><img data-remote-src="https://tracker.test/p.gif"><img src="cid:logo@x">',
      cids: { 'logo@x': 'att1' },
    };
    const doc = emailDocument(e, (cid) => (cid === 'logo@x' ? '/files/att1' : undefined), { images: false, quotes: false });
    expect(doc).toContain("default-src 'none'");
    expect(doc).not.toMatch(/\ssrc="https:\/\/tracker\.test/);
    expect(doc).toContain('src="/files/att1"');
    expect(emailDocument(e, () => undefined, { images: true, quotes: true })).toMatch(/\ssrc="https:\/\/tracker\.test\/p\.gif"/);

    render(<EmailBody m={message('Hello', e)} workspaceId="w1" />);
    const frame = screen.getByTestId('email-frame') as HTMLIFrameElement;
    expect(frame.getAttribute('sandbox')).not.toContain('allow-scripts');
    expect(frame.getAttribute('srcdoc')).not.toMatch(/\ssrc="https:\/\/tracker/);
    fireEvent.click(screen.getByRole('button', { name: /load remote images/i }));
    expect(screen.getByTestId('email-frame').getAttribute('srcdoc')).toMatch(/\ssrc="https:\/\/tracker\.test\/p\.gif"/);
    fireEvent.click(screen.getByRole('button', { name: /show plain text/i }));
    expect(screen.queryByTestId('email-frame')).toBeNull();
  });

  it('warns about a sender that fails DMARC under a strict policy', () => {
    const e: EmailInfo = { message_id: 'a@b', subject: 'Pay now', from: 'ceo@bank.test', auth: { spf: 'fail', dkim: 'none', dmarc: 'fail', policy: 'reject', suspicious: true } };
    expect(authWarning(e)).toMatch(/bank\.test asks to reject/);
    render(<EmailBody m={message('Pay', e)} workspaceId="w1" />);
    expect(screen.getByRole('note').textContent).toMatch(/may be spoofed/);
  });
});
