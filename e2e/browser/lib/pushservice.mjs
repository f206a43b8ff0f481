// A loopback Web Push service for browser tests. Headless Chromium cannot
// subscribe through a real push service (its PushManager needs Google's),
// so the test makes a subscription itself (a P-256 key pair and an auth
// secret), gives it to Parley, receives Parley's pushes here, decrypts them
// per RFC 8291 / RFC 8188 (aes128gcm) and hands the payload to the page's
// service worker as the browser would.
import crypto from 'node:crypto';
import http from 'node:http';

const b64url = (buf) => Buffer.from(buf).toString('base64url');

export class PushService {
  static async start() {
    const p = new PushService();
    await new Promise((resolve) => p.server.listen(0, '127.0.0.1', resolve));
    p.endpoint = `http://127.0.0.1:${p.server.address().port}/push/device-1`;
    return p;
  }

  constructor() {
    this.ecdh = crypto.createECDH('prime256v1');
    this.publicKey = this.ecdh.generateKeys(); // 65 bytes, uncompressed
    this.auth = crypto.randomBytes(16);
    this.received = [];
    this.waiters = [];
    this.server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        res.writeHead(201).end();
        const push = { headers: req.headers, body: Buffer.concat(chunks), at: Date.now() };
        const w = this.waiters.shift();
        if (w) w(push);
        else this.received.push(push);
      });
    });
  }

  /** subscription is what PushSubscription.toJSON() would give. */
  subscription() {
    return { endpoint: this.endpoint, keys: { p256dh: b64url(this.publicKey), auth: b64url(this.auth) } };
  }

  /** count is how many pushes arrived and were not taken. */
  get count() {
    return this.received.length;
  }

  /** next resolves with the next push received. */
  next() {
    if (this.received.length) return Promise.resolve(this.received.shift());
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** decrypt opens an aes128gcm body with the subscription's keys (RFC 8291 §3.4, RFC 8188 §2). */
  decrypt(body) {
    const salt = body.subarray(0, 16);
    const idlen = body[20];
    const asPublic = body.subarray(21, 21 + idlen);
    const ciphertext = body.subarray(21 + idlen);
    const secret = this.ecdh.computeSecret(asPublic);
    const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), this.publicKey, asPublic]);
    const ikm = Buffer.from(crypto.hkdfSync('sha256', secret, this.auth, keyInfo, 32));
    const cek = Buffer.from(crypto.hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
    const nonce = Buffer.from(crypto.hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
    const decipher = crypto.createDecipheriv('aes-128-gcm', cek, nonce);
    decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
    const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
    let end = padded.length - 1;
    while (end >= 0 && padded[end] === 0) end--;
    if (padded[end] !== 2) throw new Error('no last-record delimiter');
    return padded.subarray(0, end).toString('utf8');
  }

  close() {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
