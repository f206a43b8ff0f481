import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import { offlineEmailMinutes, rememberIdentitySecret, snippet, WebchatSetup, WidgetPreview } from './WebchatSetup';
import type { Inbox } from '../../types';

const inbox = (config: Record<string, string>) =>
  ({ id: 'ib1', name: 'Acme website', channel: 'webchat', config, secrets_set: [] }) as unknown as Inbox;

describe('WebchatSetup', () => {
  it('shows the snippet for this server and the inbox, the allowed websites, and replies by email off without an email inbox', () => {
    render(<WebchatSetup inbox={inbox({ allowed_origins: 'https://shop.example https://b.example' })} />);
    expect((screen.getByLabelText('Embed snippet') as HTMLInputElement).value).toBe(snippet(window.location.origin, 'ib1'));
    expect(screen.getByText(/https:\/\/shop.example, https:\/\/b.example/)).toBeTruthy();
    expect(screen.getByTestId('webchat-email-offline').textContent).toContain('off');
  });

  it('says replies go by email after the inbox’s minutes once an email inbox is chosen', () => {
    render(<WebchatSetup inbox={inbox({ offline_email_inbox_id: 'em1', offline_email_after_minutes: '10' })} />);
    expect(screen.getByTestId('webchat-email-offline').textContent).toMatch(/on — .*gone 10 minutes/);
  });

  it.each([
    [{}, 0],
    [{ offline_email_inbox_id: 'em1' }, 5],
    [{ offline_email_inbox_id: 'em1', offline_email_after_minutes: '0' }, 0],
    [{ offline_email_inbox_id: 'em1', offline_email_after_minutes: '1' }, 1],
    [{ offline_email_after_minutes: '3' }, 0],
  ])('offlineEmailMinutes(%o) = %i', (cfg, want) => {
    expect(offlineEmailMinutes(cfg as Record<string, string>)).toBe(want);
  });

  it('shows the identity secret once, right after creation', () => {
    rememberIdentitySecret('ib1', 'sekret');
    const { unmount } = render(<WebchatSetup inbox={inbox({})} />);
    expect((screen.getByLabelText('Identity secret') as HTMLInputElement).value).toBe('sekret');
    unmount();
    render(<WebchatSetup inbox={inbox({})} />);
    expect(screen.queryByLabelText('Identity secret')).toBeNull();
  });
});

describe('WidgetPreview', () => {
  it('draws the greeting in the inbox colour on its side', () => {
    render(<WidgetPreview inbox={inbox({ greeting: 'Hi there', color: '#0a7d33', position: 'left' })} />);
    expect(screen.getByText('Hi there')).toBeTruthy();
    const fig = screen.getByRole('figure', { name: 'Widget preview' });
    expect(fig.getAttribute('data-side')).toBe('left');
    expect((screen.getByText('Acme website') as HTMLElement).style.background).toContain('rgb(10, 125, 51)');
  });

  it('shows the pre-chat form instead of the greeting when it is on', () => {
    render(<WidgetPreview inbox={inbox({ greeting: 'Hi there', pre_chat_form: 'true' })} />);
    expect(screen.queryByText('Hi there')).toBeNull();
    expect(screen.getByText(/Your name/)).toBeTruthy();
  });
});
