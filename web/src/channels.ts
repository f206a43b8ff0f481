// What the app knows about each kind of inbox: the settings its form asks
// for, the providers' reply windows, and how healthy an inbox looks. The
// settings' validation, secrecy and labels, the reply windows and the file
// limits come from the server (GET /api/v1/channels, setChannelSpecs);
// this file adds only wording for people (descriptions, help, consoles).
import type { ChannelHealth, ChannelKind, Inbox, Message } from './types';

export interface ChannelField {
  key: string;
  label: string;
  /** secret settings are write-only: the server never returns them. */
  secret?: boolean;
  /** required must be set for the inbox to be saved. */
  required?: boolean;
  /** generated is filled by the server when left empty. */
  generated?: boolean;
  placeholder?: string;
  help?: string;
  /** multiline values (a PEM key) get a text area; email-inbox: a choice among the workspace's email inboxes (the value is its id). */
  type?: 'text' | 'url' | 'tel' | 'multiline' | 'email-inbox';
  /** pattern is checked by the browser before the form is sent. */
  pattern?: string;
}

export interface ChannelKindSpec {
  kind: ChannelKind;
  label: string;
  description: string;
  fields: ChannelField[];
  /** webhook: the provider calls Parley at the inbox's webhook URL. */
  webhook: boolean;
  /** autoRegistered: Parley tells the provider the webhook URL itself. */
  autoRegistered?: boolean;
  /** verifyToken: the provider's console asks for the verify token. */
  verifyToken?: boolean;
  /** where the provider's console is, for the set-up hint. */
  console?: string;
}

export const CHANNEL_KINDS: ChannelKindSpec[] = [
  {
    kind: 'whatsapp',
    label: 'WhatsApp',
    description: 'WhatsApp Business (Cloud API) number.',
    webhook: true,
    verifyToken: true,
    console: 'Meta App Dashboard → WhatsApp → Configuration → Webhook',
    fields: [
      { key: 'phone_number_id', label: 'Phone number ID', placeholder: '106540352242922', help: 'Digits, from WhatsApp → API Setup.' },
      { key: 'waba_id', label: 'WhatsApp Business Account ID', placeholder: '102290129340398', help: 'Digits; needed for message templates.' },
      { key: 'access_token', label: 'Access token', help: 'A permanent system-user token.' },
      { key: 'app_secret', label: 'App secret', help: "Checks the webhooks' signatures. Empty: the server-wide Meta app secret." },
      { key: 'verify_token', label: 'Verify token', placeholder: 'Generated when left empty', help: "Letters, digits, - and _. Paste it into Meta's webhook settings." },
    ],
  },
  {
    kind: 'twilio_sms',
    label: 'SMS (Twilio)',
    description: 'A Twilio phone number or Messaging Service.',
    webhook: true,
    console: 'Twilio Console → Phone Numbers → your number → Messaging → "A message comes in"',
    fields: [
      { key: 'account_sid', label: 'Account SID', placeholder: 'AC…', help: 'AC followed by 32 hex digits.' },
      { key: 'auth_token', label: 'Auth token', help: 'Letters and digits (32 of them), from the Twilio Console.' },
      { key: 'phone_number', label: 'Phone number', type: 'tel', placeholder: '+14155550100', help: 'In international form, or a Messaging Service SID (MG…).' },
    ],
  },
  {
    kind: 'messenger',
    label: 'Messenger',
    description: 'A Facebook page.',
    webhook: true,
    verifyToken: true,
    console: 'Meta App Dashboard → Messenger → Settings → Webhooks',
    fields: [
      { key: 'page_id', label: 'Page ID', placeholder: '123456789012345', help: 'Digits.' },
      { key: 'page_access_token', label: 'Page access token' },
      { key: 'app_secret', label: 'App secret', help: "Checks the webhooks' signatures. Empty: the server-wide Meta app secret." },
      { key: 'verify_token', label: 'Verify token', placeholder: 'Generated when left empty', help: "Letters, digits, - and _. Paste it into Meta's webhook settings." },
    ],
  },
  {
    kind: 'telegram',
    label: 'Telegram',
    description: 'A Telegram bot.',
    webhook: true,
    autoRegistered: true,
    fields: [
      { key: 'bot_token', label: 'Bot token', placeholder: '123456:ABC…', help: 'From @BotFather.' },
      { key: 'secret_token', label: 'Webhook secret token', placeholder: 'Generated when left empty', help: 'Telegram sends it with every update; Parley checks it.' },
    ],
  },
  {
    kind: 'email',
    label: 'Email',
    description: 'A support address: mail in through the SMTP listener or IMAP, replies out through your SMTP relay.',
    webhook: false,
    fields: [
      { key: 'address', label: 'Support address', placeholder: 'support@example.com', help: 'The address customers write to, without a + tag.' },
      { key: 'display_name', label: 'Display name', placeholder: 'Acme Support', help: 'Replies come from “<agent> from <display name>”.' },
      { key: 'smtp_host', label: 'SMTP host', placeholder: 'smtp.example.com', help: 'The relay replies leave through.' },
      { key: 'smtp_port', label: 'SMTP port', placeholder: '587', help: '587 when empty (465 with tls).' },
      { key: 'smtp_security', label: 'SMTP security', placeholder: 'starttls', help: 'none, starttls (the default) or tls.' },
      { key: 'imap_host', label: 'IMAP host', placeholder: 'imap.example.com', help: 'Optional: Parley polls this mailbox too.' },
      { key: 'imap_security', label: 'IMAP security', placeholder: 'tls', help: 'none, starttls or tls (the default).' },
      { key: 'imap_folder', label: 'IMAP folder', placeholder: 'INBOX' },
      { key: 'reply_key', label: 'Reply address key', placeholder: 'Generated when left empty', help: 'Signs the per-conversation reply addresses.' },
      { key: 'track_opens', label: 'Track opens', placeholder: 'false', help: 'true: replies carry a 1×1 image; when the customer’s mail client loads it, the reply shows “Opened”.' },
      { key: 'track_clicks', label: 'Track clicks', placeholder: 'false', help: 'true: links in replies go through Parley, which shows the reply “Clicked” and sends the reader on to exactly that link.' },
      { key: 'dkim_selector', label: 'DKIM selector', placeholder: 'parley', help: 'With the key below, replies are DKIM-signed for the address’s domain; publish the public key at <selector>._domainkey.<domain>.' },
      { key: 'dkim_private_key', label: 'DKIM private key', type: 'multiline', placeholder: '-----BEGIN PRIVATE KEY-----', help: 'PEM, RSA (1024 bits or more) or Ed25519. Stored sealed, never shown again.' },
      ],
    },
    {
    kind: 'webchat',
    label: 'Web chat',
    description: 'A chat window on your own website.',
    webhook: false,
    fields: [
      { key: 'allowed_origins', label: 'Allowed websites', placeholder: 'https://shop.example', help: 'The origins (scheme, host and port) the chat may be used from, separated by spaces or commas.' },
      { key: 'identity_secret', label: 'Identity secret', placeholder: 'Generated when left empty', help: 'Signs your signed-in customers’ ids (identifier_hash). Shown once, after creation.' },
      { key: 'identity_secret_required', label: 'Only for signed-in customers', placeholder: 'false', help: 'true: visitors must come with a verified identifier.' },
      { key: 'greeting', label: 'Greeting', placeholder: 'Hello! How can we help?' },
      { key: 'away_message', label: 'Away message', help: 'Shown outside business hours.' },
      { key: 'color', label: 'Colour', placeholder: '#1f6feb' },
      { key: 'position', label: 'Position', placeholder: 'right', help: 'left or right.' },
      { key: 'pre_chat_form', label: 'Ask for name and email first', placeholder: 'false', help: 'true: the visitor fills in their name and email before writing.' },
      {
        key: 'offline_email_inbox_id',
        label: 'Email replies to visitors who left',
        type: 'email-inbox',
        help: 'Replies to a visitor who left an email and closed the chat are also sent to that address through this email inbox; their answer by email joins the same conversation.',
      },
      {
        key: 'offline_email_after_minutes',
        label: 'Minutes away before replies go by email',
        placeholder: '5',
        pattern: '[0-9]{1,4}',
        help: 'How long the visitor must have been gone (default 5; 0: never).',
      },
    ],
  },
  {
    kind: 'api',
    label: 'API',
    description: 'Your own system posts messages and receives replies.',
    webhook: false,
    fields: [
      { key: 'callback_url', label: 'Callback URL', type: 'url', placeholder: 'https://example.com/parley', help: 'Parley POSTs replies here, signed with the callback secret. Empty: replies are not sent out.' },
    ],
  },
];

// ---- the server's specs ----------------------------------------------------

export interface ServerChannelSetting {
  key: string;
  label: string;
  secret: boolean;
  required: boolean;
  generated: boolean;
  /** pattern is what the whole value must match; message completes "it is not …". */
  pattern?: string;
  message?: string;
}

export interface ChannelMedia {
  name: string;
  types: string[];
  max_attachments: number;
  max_file_bytes: number;
  max_total_bytes: number;
  needs_url: boolean;
}

export interface ServerChannelSpec {
  kind: string;
  label: string;
  settings: ServerChannelSetting[];
  webhook_path: string;
  auto_registered: boolean;
  route_key?: string;
  window: { open_seconds: number; extended_seconds: number; extended_tag?: string; templates_only: boolean } | null;
  media: ChannelMedia;
  /** templates: agents send the provider's approved templates (bound to the sender that approved them). */
  templates: boolean;
  /** phone_reach: a contact's phone number reaches them on the channel (SMS). */
  phone_reach: boolean;
}

export interface ChannelSpecs {
  items: ServerChannelSpec[];
  /** uploads are the limits of any file an agent uploads. */
  uploads: ChannelMedia;
}

let serverSpecs: ChannelSpecs | null = null;

/** setChannelSpecs takes the server's specs (GET /api/v1/channels) into the forms, windows and limits. */
export function setChannelSpecs(specs: ChannelSpecs) {
  serverSpecs = specs;
  for (const item of specs.items ?? []) {
    let k = CHANNEL_KINDS.find((c) => c.kind === item.kind);
    if (!k) {
      k = { kind: item.kind as ChannelKind, label: item.label, description: '', fields: [], webhook: !!item.webhook_path };
      CHANNEL_KINDS.push(k);
    }
    k.label = item.label || k.label;
    k.webhook = !!item.webhook_path;
    k.autoRegistered = item.auto_registered;
    k.fields = item.settings.map((st) => {
      const local = k.fields.find((f) => f.key === st.key);
      return {
        ...local,
        key: st.key,
        label: st.label || local?.label || st.key,
        secret: st.secret,
        required: st.required,
        generated: st.generated,
        pattern: st.pattern || undefined,
        help: local?.help ?? (st.message ? `It is ${st.message}.` : undefined),
      };
    });
  }
}

/** serverSpec is the server's spec of a channel kind, once loaded. */
export function serverSpec(kind: string): ServerChannelSpec | undefined {
  return serverSpecs?.items.find((k) => k.kind === kind);
}

/** uploadLimits are the server's limits on an agent's files; undefined until loaded (the server checks anyway). */
export function uploadLimits(): { maxFiles: number; maxFileBytes: number } | undefined {
  const u = serverSpecs?.uploads;
  return u ? { maxFiles: u.max_attachments, maxFileBytes: u.max_file_bytes } : undefined;
}

export function kindSpec(kind: string): ChannelKindSpec | undefined {
  return CHANNEL_KINDS.find((k) => k.kind === kind);
}

/** configFor builds the config to send: blank secrets are left out (kept as they are). */
export function configFor(kind: string, values: Record<string, string>, editing: boolean): Record<string, string> {
  const spec = kindSpec(kind);
  const out: Record<string, string> = {};
  for (const f of spec?.fields ?? []) {
    const v = (values[f.key] ?? '').trim();
    if (f.secret || f.generated) {
      if (v) out[f.key] = v;
    } else if (v || editing) {
      out[f.key] = v;
    }
  }
  return out;
}

// ---- reply windows ---------------------------------------------------------

export const HOUR = 3600_000;

export type ReplyWindow =
  /** no window on this channel */
  | { kind: 'none' }
  /** free-form replies allowed until closesAt */
  | { kind: 'open'; closesAt: number }
  /** WhatsApp: only templates (never wrote, or over 24 h ago) */
  | { kind: 'template_only'; since: number | null }
  /** Messenger: 24 h to 7 days, a human agent's reply goes with the HUMAN_AGENT tag */
  | { kind: 'human_agent'; closesAt: number }
  /** Messenger: no reply until the person writes again */
  | { kind: 'closed'; since: number | null }
  /** the customer's last message is not loaded: the server decides */
  | { kind: 'unknown' };

/**
 * lastInbound finds when the customer last wrote on the inbox, among the
 * loaded messages (a message's created_at is the provider's timestamp).
 * complete says the whole thread is loaded, so "none" means never.
 */
export function lastInbound(messages: Message[], inboxId: string, complete: boolean): number | null | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m.direction !== 'in' || m.private) continue;
    if (m.inbox_id && inboxId && m.inbox_id !== inboxId) continue;
    const t = Date.parse(m.created_at);
    if (!isNaN(t)) return t;
  }
  return complete ? null : undefined;
}

/** replyWindow applies the provider's window (from the server's spec, as its ReplyTag does) to the last inbound time. */
export function replyWindow(channel: string, last: number | null | undefined, now: number): ReplyWindow {
  const w = serverSpec(channel)?.window;
  if (!w) return { kind: 'none' };
  if (last === undefined) return { kind: 'unknown' };
  const open = w.open_seconds * 1000;
  const extended = w.extended_seconds * 1000;
  if (w.templates_only) {
    if (last === null || now - last > open) return { kind: 'template_only', since: last === null ? null : last + open };
    return { kind: 'open', closesAt: last + open };
  }
  if (last === null) return { kind: 'closed', since: null };
  const age = now - last;
  if (age <= open) return { kind: 'open', closesAt: last + open };
  if (extended && age <= extended) return { kind: 'human_agent', closesAt: last + extended };
  return { kind: 'closed', since: last + Math.max(open, extended) };
}

/** duration says how long until (or since) a time, coarsely: "3 h 20 min", "2 days". */
export function duration(ms: number): string {
  const m = Math.max(0, Math.floor(ms / 60_000));
  if (m < 1) return 'less than a minute';
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  const rh = h % 24;
  return (d === 1 ? '1 day' : `${d} days`) + (rh ? ` ${rh} h` : '');
}

/** needsTemplate tells whether a refusal from the server asks for a WhatsApp template. */
export function needsTemplate(message: string): boolean {
  return /template/i.test(message);
}

// ---- health ----------------------------------------------------------------

export type HealthLevel = 'ok' | 'failing' | 'warning' | 'idle' | 'unknown';

export interface HealthSummary {
  level: HealthLevel;
  label: string;
}

/**
 * healthSummary rates an inbox: failing while sends fail in a row, a
 * warning when webhooks were refused since the last good one (or sends
 * failed lately), idle before any traffic, else healthy.
 */
export function healthSummary(h: ChannelHealth | null | undefined): HealthSummary {
  if (!h) return { level: 'unknown', label: 'Health unknown' };
  if (h.consecutive_failures > 0) {
    return { level: 'failing', label: h.consecutive_failures === 1 ? 'Failing: 1 send failed' : `Failing: ${h.consecutive_failures} sends failed` };
  }
  const t = (s: string | null) => (s ? Date.parse(s) || 0 : 0);
  const rejected = h.rejected_signature + h.rejected_malformed;
  if (rejected > 0 && t(h.last_rejected_at) > t(h.last_inbound_at)) {
    return { level: 'warning', label: 'Webhooks refused' };
  }
  if (!h.last_inbound_at && !h.last_sent_at) return { level: 'idle', label: 'No traffic yet' };
  return { level: 'ok', label: 'Healthy' };
}

/** reachableInboxes lists the inboxes a failed message could be resent through. */
export function reachableInboxes(
  inboxes: Inbox[],
  failed: Message,
  contact: { phone?: string; identities?: { inbox_id: string }[] | null } | null,
): Inbox[] {
  const ids = new Set((contact?.identities ?? []).map((i) => i.inbox_id));
  return inboxes.filter((ib) => {
    if (ib.id === failed.inbox_id) return false;
    if (ib.channel === 'api' && !ib.config?.callback_url) return false;
    if (failed.content_type === 'template' && serverSpec(ib.channel)?.templates) return false;
    if (ids.has(ib.id)) return true;
    return !!serverSpec(ib.channel)?.phone_reach && !!contact?.phone;
  });
}

// ---- public webhook URLs ----------------------------------------------------

/**
 * webhookURLWarning says why providers cannot call a webhook URL built from
 * PARLEY_PUBLIC_URL: they need a public https address; '' when it looks fine.
 */
export function webhookURLWarning(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return '';
  }
  const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const local =
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host.endsWith('.local') ||
    host.endsWith('.internal') ||
    (!host.includes('.') && !host.includes(':')) ||
    /^127\./.test(host) ||
    /^10\./.test(host) ||
    /^192\.168\./.test(host) ||
    /^172\.(1[6-9]|2\d|3[01])\./.test(host) ||
    /^169\.254\./.test(host) ||
    host === '0.0.0.0' ||
    host === '::1' ||
    host === '::' ||
    /^f[cd][0-9a-f]{2}:/.test(host) ||
    /^fe80:/.test(host);
  const why: string[] = [];
  if (u.protocol !== 'https:') why.push('it is not https');
  if (local) why.push(`${host} is not reachable from the internet`);
  if (why.length === 0) return '';
  return `Providers will not call this URL: ${why.join(' and ')}. They need a public https URL — set PARLEY_PUBLIC_URL to one (a tunnel such as ngrok or cloudflared works for trials).`;
}
