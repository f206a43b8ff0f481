import { describe, expect, it } from 'vitest';
import { configFor, duration, healthSummary, HOUR, kindSpec, lastInbound, reachableInboxes, replyWindow, webhookURLWarning } from './channels';
import specs from './test/channel-specs.json';
import { msg } from './test/fakes';
import type { ChannelHealth, Inbox } from './types';

const NOW = Date.parse('2026-03-10T12:00:00Z');

describe('replyWindow', () => {
  it('has no window on channels without one', () => {
    expect(replyWindow('twilio_sms', NOW - 48 * HOUR, NOW)).toEqual({ kind: 'none' });
    expect(replyWindow('api', undefined, NOW)).toEqual({ kind: 'none' });
  });
  it('opens WhatsApp for 24 hours after the last message, then templates only', () => {
    expect(replyWindow('whatsapp', NOW - 2 * HOUR, NOW)).toEqual({ kind: 'open', closesAt: NOW + 22 * HOUR });
    expect(replyWindow('whatsapp', NOW - 25 * HOUR, NOW)).toEqual({ kind: 'template_only', since: NOW - HOUR });
    expect(replyWindow('whatsapp', null, NOW)).toEqual({ kind: 'template_only', since: null });
  });
  it('gives Messenger 24 hours, then HUMAN_AGENT up to 7 days, then nothing', () => {
    expect(replyWindow('messenger', NOW - HOUR, NOW).kind).toBe('open');
    expect(replyWindow('messenger', NOW - 30 * HOUR, NOW)).toEqual({ kind: 'human_agent', closesAt: NOW - 30 * HOUR + 7 * 24 * HOUR });
    expect(replyWindow('messenger', NOW - 8 * 24 * HOUR, NOW).kind).toBe('closed');
    expect(replyWindow('messenger', null, NOW)).toEqual({ kind: 'closed', since: null });
  });
  it('leaves the decision to the server when the last message is not loaded', () => {
    expect(replyWindow('whatsapp', undefined, NOW)).toEqual({ kind: 'unknown' });
  });
});

describe('lastInbound', () => {
  const at = (h: number) => new Date(NOW - h * HOUR).toISOString();
  it("finds the customer's newest message on the inbox, skipping replies, notes and other inboxes", () => {
    const list = [
      msg({ conversation_id: 'c', inbox_id: 'wa', direction: 'in', created_at: at(30) }),
      msg({ conversation_id: 'c', inbox_id: 'wa', direction: 'in', created_at: at(26) }),
      msg({ conversation_id: 'c', inbox_id: 'sms', direction: 'in', created_at: at(3) }),
      msg({ conversation_id: 'c', inbox_id: 'wa', direction: 'out', created_at: at(1) }),
    ];
    expect(lastInbound(list, 'wa', true)).toBe(NOW - 26 * HOUR);
  });
  it('says never only when the whole thread is loaded', () => {
    const out = [msg({ conversation_id: 'c', inbox_id: 'wa', direction: 'out', created_at: at(1) })];
    expect(lastInbound(out, 'wa', true)).toBeNull();
    expect(lastInbound(out, 'wa', false)).toBeUndefined();
  });
});

describe('healthSummary', () => {
  const base: ChannelHealth = {
    inbox_id: 'i',
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
  };
  it('rates idle, healthy, refused webhooks and failing sends', () => {
    expect(healthSummary(base).level).toBe('idle');
    expect(healthSummary({ ...base, last_sent_at: '2026-03-10T10:00:00Z' })).toEqual({ level: 'ok', label: 'Healthy' });
    expect(
      healthSummary({ ...base, last_inbound_at: '2026-03-10T10:00:00Z', rejected_signature: 2, last_rejected_at: '2026-03-10T11:00:00Z' }).level,
    ).toBe('warning');
    // A good webhook since the refusal: healthy again.
    expect(
      healthSummary({ ...base, last_inbound_at: '2026-03-10T11:30:00Z', rejected_signature: 2, last_rejected_at: '2026-03-10T11:00:00Z' }).level,
    ).toBe('ok');
    expect(healthSummary({ ...base, last_sent_at: '2026-03-10T10:00:00Z', consecutive_failures: 3 })).toEqual({
      level: 'failing',
      label: 'Failing: 3 sends failed',
    });
    expect(healthSummary(null).level).toBe('unknown');
  });
});

describe('configFor', () => {
  it('leaves out blank secrets and generated tokens, so that the server keeps or generates them', () => {
    const v = { phone_number_id: ' 123 ', waba_id: '', access_token: '', app_secret: 's3', verify_token: '' };
    expect(configFor('whatsapp', v, false)).toEqual({ phone_number_id: '123', app_secret: 's3' });
    // Editing: a cleared plain setting is sent (and removed); secrets still only when typed.
    expect(configFor('whatsapp', v, true)).toEqual({ phone_number_id: '123', waba_id: '', app_secret: 's3' });
  });
  it('knows every kind of inbox', () => {
    expect(Object.keys(configFor('telegram', { bot_token: '1:abc', secret_token: '' }, false))).toEqual(['bot_token']);
    expect(configFor('twilio_sms', { account_sid: 'AC1', auth_token: 't', phone_number: '+1' }, false)).toEqual({
      account_sid: 'AC1',
      auth_token: 't',
      phone_number: '+1',
    });
    expect(configFor('messenger', { page_id: '1', page_access_token: 'p' }, false)).toEqual({ page_id: '1', page_access_token: 'p' });
    expect(configFor('api', { callback_url: 'https://x.test/cb' }, false)).toEqual({ callback_url: 'https://x.test/cb' });
  });
});

describe('reachableInboxes', () => {
  const ib = (id: string, channel: string, config: Record<string, string> = {}): Inbox => ({ id, name: id, channel, config, created_at: '' });
  const inboxes = [ib('wa', 'whatsapp'), ib('wa2', 'whatsapp'), ib('sms', 'twilio_sms'), ib('tg', 'telegram'), ib('api', 'api'), ib('hook', 'api', { callback_url: 'https://x' })];
  it("offers the other inboxes the contact is known on, and SMS when a phone number is known", () => {
    const failed = msg({ conversation_id: 'c', inbox_id: 'wa', direction: 'out', status: 'failed' });
    const contact = { phone: '+14155550123', identities: [{ inbox_id: 'wa' }, { inbox_id: 'wa2' }, { inbox_id: 'api' }, { inbox_id: 'hook' }] };
    expect(reachableInboxes(inboxes, failed, contact).map((x) => x.id)).toEqual(['wa2', 'sms', 'hook']);
    expect(reachableInboxes(inboxes, failed, { identities: [] }).map((x) => x.id)).toEqual([]);
  });
  it('does not offer another WhatsApp number for a template', () => {
    const failed = msg({ conversation_id: 'c', inbox_id: 'wa', direction: 'out', status: 'failed', content_type: 'template' });
    expect(reachableInboxes(inboxes, failed, { phone: '+1', identities: [{ inbox_id: 'wa2' }] }).map((x) => x.id)).toEqual(['sms']);
  });
});

describe('duration', () => {
  it('reads coarsely', () => {
    expect(duration(30_000)).toBe('less than a minute');
    expect(duration(5 * 60_000)).toBe('5 min');
    expect(duration(3 * HOUR + 20 * 60_000)).toBe('3 h 20 min');
    expect(duration(26 * HOUR)).toBe('1 day 2 h');
    expect(duration(72 * HOUR)).toBe('3 days');
  });
});

describe('the server\'s channel specs', () => {
  it('give the forms their validation, secrecy and requirements', () => {
    const sid = kindSpec('twilio_sms')?.fields.find((f) => f.key === 'account_sid');
    expect(sid).toMatchObject({ required: true, secret: false, pattern: 'AC[0-9a-fA-F]{32}' });
    expect(kindSpec('twilio_sms')?.fields.find((f) => f.key === 'auth_token')?.secret).toBe(true);
    expect(kindSpec('telegram')?.autoRegistered).toBe(true);
  });
  it('have patterns browsers can compile (input patterns use the v flag)', () => {
    for (const item of specs.items) {
      for (const st of item.settings as { key: string; pattern?: string }[]) {
        if (st.pattern) expect(() => new RegExp(`^(?:${st.pattern})$`, 'v'), `${item.kind}.${st.key}`).not.toThrow();
      }
    }
  });
});

describe('webhookURLWarning', () => {
  it.each([
    ['http://localhost:8080/webhooks/telegram/x', /not https and localhost is not reachable/],
    ['https://127.0.0.1/webhooks/whatsapp/x', /127\.0\.0\.1 is not reachable/],
    ['https://[::1]:8443/webhooks/whatsapp/x', /::1 is not reachable/],
    ['https://192.168.1.20/webhooks/twilio/x', /192\.168\.1\.20 is not reachable/],
    ['https://parley/webhooks/twilio/x', /parley is not reachable/],
    ['http://parley.example.com/webhooks/twilio/x', /it is not https\./],
  ])('warns about %s', (url, want) => {
    const w = webhookURLWarning(url);
    expect(w).toMatch(want);
    expect(w).toContain('public https URL');
  });
  it('is quiet for a public https URL', () => {
    expect(webhookURLWarning('https://parley.example.com/webhooks/whatsapp/x')).toBe('');
    expect(webhookURLWarning('https://172.32.0.1/webhooks/whatsapp/x')).toBe('');
  });
});
