// Display helpers: names, initials, times and labels.

export function initials(name: string | undefined): string {
  const parts = (name ?? '').trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return '?';
  const first = Array.from(parts[0])[0] ?? '';
  const last = parts.length > 1 ? (Array.from(parts[parts.length - 1])[0] ?? '') : '';
  return (first + last).toUpperCase();
}

// Dark enough for white text at AA contrast (>= 4.5:1).
const AVATAR_COLORS = ['#364fc7', '#5f3dc4', '#862e9c', '#a61e4d', '#c92a2a', '#237032', '#087f5b', '#0b7285', '#1864ab', '#5c6b00'];

export function avatarColor(key: string): string {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) | 0;
  return AVATAR_COLORS[Math.abs(h) % AVATAR_COLORS.length];
}

const CHANNELS: Record<string, string> = {
  api: 'API',
  sms: 'SMS',
  twilio: 'SMS',
  twilio_sms: 'SMS',
  whatsapp: 'WhatsApp',
  email: 'Email',
  messenger: 'Messenger',
  telegram: 'Telegram',
  webchat: 'Web chat',
};

export function channelLabel(ch: string | undefined): string {
  if (!ch) return 'Unknown channel';
  return CHANNELS[ch] ?? ch.charAt(0).toUpperCase() + ch.slice(1);
}

export const STATUS_LABELS: Record<string, string> = {
  queued: 'Queued',
  open: 'Open',
  pending: 'Pending',
  snoozed: 'Snoozed',
  resolved: 'Resolved',
  abandoned: 'Abandoned',
};

export const AI_MODE_LABELS: Record<string, string> = {
  active: 'AI active',
  paused: 'AI paused',
  manual: 'Manual',
};

export const DELIVERY_LABELS: Record<string, string> = {
  queued: 'Queued',
  sending: 'Sending',
  sent: 'Sent',
  stored: 'Stored',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Failed',
  undelivered: 'Undelivered',
  bounced: 'Bounced',
  opened: 'Opened',
  clicked: 'Clicked',
  spam: 'Marked as spam',
  unknown: 'Unknown',
  received: 'Received',
};

function sameDay(a: Date, b: Date) {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** listTime is a compact time for the conversation list: 14:05, Mon, 3 Mar, 3 Mar 2024. */
export function listTime(iso: string | undefined, now: Date = new Date()): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(d.getTime())) return '';
  if (sameDay(d, now)) return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  const days = (now.getTime() - d.getTime()) / 86400000;
  if (days < 6 && days > 0) return d.toLocaleDateString(undefined, { weekday: 'short' });
  if (d.getFullYear() === now.getFullYear()) return d.toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
  return d.toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
}

export function clockTime(iso: string): string {
  const d = new Date(iso);
  if (isNaN(d.getTime())) return '';
  return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

export function fullTime(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(d.getTime())) return '';
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** dayLabel names the day a message was sent: Today, Yesterday or a date. */
export function dayLabel(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  if (isNaN(d.getTime())) return '';
  if (sameDay(d, now)) return 'Today';
  const y = new Date(now);
  y.setDate(now.getDate() - 1);
  if (sameDay(d, y)) return 'Yesterday';
  return d.toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
}

export function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

/** fileSize is a byte count as people read it: 512 B, 12 KB, 1.4 MB (1 KB = 1024 B). */
export function fileSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1024) return `${bytes} B`;
  const kb = bytes / 1024;
  if (kb < 1024) return `${kb < 10 ? kb.toFixed(1).replace(/\.0$/, '') : Math.round(kb)} KB`;
  const mb = kb / 1024;
  return `${mb < 10 ? mb.toFixed(1).replace(/\.0$/, '') : Math.round(mb)} MB`;
}

const FILE_TYPES: Record<string, string> = {
  'application/pdf': 'PDF',
  'application/msword': 'Word document',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word document',
  'application/vnd.ms-excel': 'Excel sheet',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel sheet',
  'video/mp4': 'MP4 video',
  'image/jpeg': 'JPEG image',
  'image/png': 'PNG image',
  'image/gif': 'GIF image',
  'image/webp': 'WebP image',
};

/** fileType names a content type as people know it: PDF, Word document, MP3 audio… */
export function fileType(contentType: string): string {
  const t = contentType.split(';')[0].trim().toLowerCase();
  if (FILE_TYPES[t]) return FILE_TYPES[t];
  if (t.startsWith('audio/')) return 'Audio';
  if (t.startsWith('video/')) return 'Video';
  if (t.startsWith('image/')) return 'Image';
  return 'File';
}

/** DELIVERY_NOTES explain a status that needs more than its label. */
export const DELIVERY_NOTES: Record<string, string> = {
  stored: 'Stored — this inbox has no callback; read it through the API.',
};

export const PRIORITY_LABELS: Record<string, string> = {
  none: 'No priority',
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  urgent: 'Urgent',
};

/**
 * previewPrefix is what the list puts before a conversation's last message:
 * "You: " only when the signed-in user wrote it, the author's name when a
 * colleague did, "AI: " for the AI agent, nothing for the customer.
 */
export function previewPrefix(
  lm: { direction: string; sender_kind?: string; sender_id?: string; sender_name?: string; private?: boolean } | null | undefined,
  meId: string,
  nameOf: (id: string) => string | undefined = () => undefined,
): string {
  if (!lm || lm.direction !== 'out') return '';
  if (lm.sender_kind === 'ai') return 'AI: ';
  if (lm.sender_kind === 'bot') return 'Bot: ';
  if (lm.sender_id && lm.sender_id === meId) return 'You: ';
  const name = (lm.sender_id && nameOf(lm.sender_id)) || lm.sender_name;
  return name ? name + ': ' : '';
}
