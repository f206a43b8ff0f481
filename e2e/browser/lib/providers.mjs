// Loopback fakes of the provider APIs the server calls, in their real wire
// formats (as internal/channel/channeltest does in Go):
//   Graph API (WhatsApp Cloud API), at /v{ver}/…:
//     GET  /{phone_number_id}?fields=id            "Test connection"
//     GET  /{waba_id}/message_templates?fields=…&limit=…[&after=…]   paged
//     POST /{phone_number_id}/messages             text, media and template sends
//     POST /{phone_number_id}/media                media uploads (multipart)
//     GET  /{media_id}                             media lookup: a download URL
//   and the download itself at /media-download/{media_id} (bearer token).
//   Twilio, at /2010-04-01/Accounts/{sid}/Messages.json (form-encoded).
// Plus the signed webhooks Meta sends to Parley.
import { createHash, createHmac } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import zlib from 'node:zlib';

export const GRAPH_VERSION = 'v23.0';

export class Providers {
  constructor() {
    /** Graph settings: the token every Graph request must carry, the known phone number id, templates. */
    this.accessToken = '';
    this.phoneNumberId = '';
    this.wabaId = '';
    this.templates = [];
    this.pageSize = 2;
    /** Accepted sends: { provider, path, body, id }. */
    this.sent = [];
    /** Every request, for debugging a failure. */
    this.requests = [];
    this.failures = [];
    this.waiters = [];
    this.seq = 0;
    /** WhatsApp media by id: { data: Buffer, mimeType }; uploads land here too. */
    this.media = new Map();
    /** Media uploads received (POST /{pnid}/media): { id, bytes }. */
    this.mediaUploads = [];
    this.server = http.createServer((req, res) => this.serve(req, res));
  }

  async start() {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${this.server.address().port}`;
    return this;
  }

  async stop() {
    this.server.closeAllConnections?.();
    this.server.close();
  }

  /** graphURL is PARLEY_META_GRAPH_URL: the base with the version segment. */
  get graphURL() {
    return `${this.url}/${GRAPH_VERSION}`;
  }

  /** twilioURL is PARLEY_TWILIO_API_URL. */
  get twilioURL() {
    return this.url;
  }

  /** failNext makes the next send fail with the provider's error answer. */
  failNext(f) {
    this.failures.push(f);
  }

  /** waitForSend resolves with the first accepted send (past or future) matching pred. */
  waitForSend(pred, timeoutMs = 10_000) {
    const hit = this.sent.find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const w = { pred, resolve };
      this.waiters.push(w);
      setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(new Error(`no matching send within ${timeoutMs} ms; requests:\n${JSON.stringify(this.requests, null, 1).slice(-3000)}`));
      }, timeoutMs).unref();
    });
  }

  record(s) {
    this.sent.push(s);
    for (const w of [...this.waiters]) {
      if (w.pred(s)) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve(s);
      }
    }
  }

  async serve(req, res) {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const buf = Buffer.concat(chunks);
    const raw = buf.toString('utf8');
    const url = new URL(req.url, this.url);
    this.requests.push({ method: req.method, path: url.pathname + url.search, body: raw.slice(0, 500) });
    const json = (status, body) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname.startsWith('/2010-04-01/')) return this.twilio(req, url, raw, json);
    if (url.pathname.startsWith('/media-download/')) return this.download(req, url, res, json);
    const m = /^\/v\d+\.\d+(\/.*)$/.exec(url.pathname);
    if (!m) return json(404, graphError(404, 100, 'Unknown path'));
    return this.graph(req, m[1], url, raw, json, buf);
  }

  /** addMedia stores a file a customer sent; its id goes in an inbound webhook. */
  addMedia(id, data, mimeType) {
    this.media.set(id, { data, mimeType });
  }

  download(req, url, res, json) {
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (this.accessToken && token !== this.accessToken) return json(401, graphError(401, 190, 'Invalid OAuth access token'));
    const f = this.media.get(decodeURIComponent(url.pathname.slice('/media-download/'.length)));
    if (!f) return json(404, graphError(404, 100, 'Unknown media'));
    res.writeHead(200, { 'Content-Type': f.mimeType, 'Content-Length': f.data.length });
    res.end(f.data);
  }

  graph(req, p, url, raw, json, buf) {
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (this.accessToken && token !== this.accessToken) {
      return json(401, graphError(401, 190, 'Invalid OAuth access token - Cannot parse access token'));
    }
    const parts = p.replace(/^\/|\/$/g, '').split('/');
    if (req.method === 'GET' && parts.length === 1) {
      const f = this.media.get(parts[0]);
      if (f) {
        return json(200, {
          messaging_product: 'whatsapp',
          url: `${this.url}/media-download/${encodeURIComponent(parts[0])}`,
          mime_type: f.mimeType,
          sha256: createHash('sha256').update(f.data).digest('hex'),
          file_size: f.data.length,
          id: parts[0],
        });
      }
      if (parts[0] === this.phoneNumberId) {
        return json(200, { id: this.phoneNumberId, display_phone_number: '+1 555-000-0000', verified_name: 'Acme Support' });
      }
      return json(400, graphError(400, 100, `Unsupported get request. Object with ID '${parts[0]}' does not exist`, 33));
    }
    if (req.method === 'GET' && parts.length === 2 && parts[1] === 'message_templates') {
      if (parts[0] !== this.wabaId) return json(400, graphError(400, 100, `Unsupported get request. Object with ID '${parts[0]}' does not exist`, 33));
      const start = Number(url.searchParams.get('after') || 0);
      const limit = Number(url.searchParams.get('limit') || 0);
      const size = limit > 0 && limit < this.pageSize ? limit : this.pageSize;
      const end = Math.min(start + size, this.templates.length);
      const page = { data: this.templates.slice(start, end), paging: { cursors: { before: String(start), after: String(end) } } };
      if (end < this.templates.length) page.paging.next = `${this.graphURL}${p}?after=${end}`;
      return json(200, page);
    }
    if (req.method === 'POST' && parts.length === 2 && parts[1] === 'media') {
      if (parts[0] !== this.phoneNumberId) return json(400, graphError(400, 100, `Object with ID '${parts[0]}' does not exist`, 33));
      if (!/^multipart\/form-data/.test(req.headers['content-type'] ?? '')) return json(400, graphError(400, 100, 'Expected multipart form data'));
      const id = 'media-' + (++this.seq);
      this.mediaUploads.push({ id, bytes: buf.length });
      return json(200, { id });
    }
    if (req.method === 'POST' && parts.length === 2 && parts[1] === 'messages') {
      const f = this.failures.shift();
      if (f) return json(f.status, graphError(f.status, f.code, f.message));
      let body;
      try {
        body = JSON.parse(raw);
      } catch {
        return json(400, graphError(400, 100, 'Invalid JSON'));
      }
      if (body.messaging_product !== 'whatsapp' || !body.to) {
        return json(400, graphError(400, 100, '(#100) The parameter messaging_product is required.'));
      }
      if (parts[0] !== this.phoneNumberId) return json(400, graphError(400, 100, `Object with ID '${parts[0]}' does not exist`, 33));
      const id = 'wamid.HBgL' + (++this.seq).toString(16).padStart(12, '0');
      this.record({ provider: 'whatsapp', path: p, body, id });
      return json(200, { messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id }] });
    }
    return json(400, graphError(400, 100, 'Unsupported request'));
  }

  twilio(req, url, raw, json) {
    const m = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(url.pathname);
    if (!m || req.method !== 'POST') return json(404, { code: 20404, message: 'The requested resource was not found', status: 404 });
    const f = this.failures.shift();
    if (f) return json(f.status, { code: f.code, message: f.message, status: f.status });
    const form = new URLSearchParams(raw);
    const to = form.get('To');
    if (!to) return json(400, { code: 21604, message: "A 'To' phone number is required.", status: 400 });
    const sid = 'SM' + (++this.seq).toString(16).padStart(32, '0');
    this.record({ provider: 'twilio', path: url.pathname, body: Object.fromEntries(form), id: sid });
    const now = new Date().toUTCString();
    return json(201, {
      account_sid: m[1], api_version: '2010-04-01', body: form.get('Body'), date_created: now, date_sent: null, date_updated: now,
      direction: 'outbound-api', error_code: null, error_message: null, from: form.get('From'), messaging_service_sid: null,
      num_media: '0', num_segments: '1', price: null, price_unit: 'USD', sid, status: 'queued', to,
      uri: `/2010-04-01/Accounts/${m[1]}/Messages/${sid}.json`,
    });
  }
}

function graphError(status, code, message, subcode) {
  const e = { message, type: 'OAuthException', code: code || status, fbtrace_id: 'AbCdEfGhIjK' };
  if (subcode) e.error_subcode = subcode;
  return { error: e };
}

/** metaSignature is X-Hub-Signature-256: "sha256=" + hex HMAC-SHA256(app secret, raw body). */
export function metaSignature(appSecret, body) {
  return 'sha256=' + createHmac('sha256', appSecret).update(body).digest('hex');
}

/** postMetaWebhook delivers a signed Graph webhook body to Parley. */
export async function postMetaWebhook(url, appSecret, payload) {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': metaSignature(appSecret, body) },
    body,
  });
  return { status: res.status, text: await res.text() };
}

/** waTextMessage is a WhatsApp inbound text webhook (as testdata/text.json), sent at `at`. */
export function waTextMessage({ phoneNumberId, from, name, id, text, at }) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550000000', phone_number_id: phoneNumberId },
              contacts: [{ profile: { name }, wa_id: from }],
              messages: [{ from, id, timestamp: String(Math.floor(at.getTime() / 1000)), type: 'text', text: { body: text } }],
            },
            field: 'messages',
          },
        ],
      },
    ],
  };
}

/** waStatus is a WhatsApp status webhook (sent, delivered, read) for a sent message. */
export function waStatus({ phoneNumberId, wamid, status, recipient, at = new Date() }) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550000000', phone_number_id: phoneNumberId },
              statuses: [{ id: wamid, status, timestamp: String(Math.floor(at.getTime() / 1000)), recipient_id: recipient }],
            },
            field: 'messages',
          },
        ],
      },
    ],
  };
}

/** waMediaMessage is a WhatsApp inbound media webhook (image, document…), sent now. */
export function waMediaMessage({ phoneNumberId, from, name, id, type, mediaId, mimeType, caption, filename, at = new Date() }) {
  const obj = { id: mediaId, mime_type: mimeType };
  if (caption) obj.caption = caption;
  if (filename) obj.filename = filename;
  const payload = waTextMessage({ phoneNumberId, from, name, id, text: '', at });
  const m = payload.entry[0].changes[0].value.messages[0];
  delete m.text;
  m.type = type;
  m[type] = obj;
  return payload;
}

/** png makes a real PNG of w×h pixels in one colour (zlib-compressed, CRC-checked). */
export function png(w, h, [r, g, b] = [59, 91, 219]) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes) => {
    let c = 0xffffffff;
    for (const x of bytes) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: w }, () => [r, g, b]).flat())]);
  const pixels = Buffer.concat(Array.from({ length: h }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
