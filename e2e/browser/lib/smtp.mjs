// A loopback SMTP sink for browser tests: it accepts every message and
// hands each one (recipients, subject, decoded text) to whoever awaits
// next(). Just enough of RFC 5321 for Parley's mail client (EHLO, MAIL,
// RCPT, DATA, RSET, NOOP, QUIT; no TLS, no AUTH).
import net from 'node:net';

/** decodeQP undoes quoted-printable (soft line breaks and =XX bytes). */
function decodeQP(s) {
  const bytes = Buffer.from(s.replace(/=\r?\n/g, ''), 'latin1');
  const out = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x3d && /^[0-9A-F]{2}$/i.test(bytes.subarray(i + 1, i + 3).toString())) {
      out.push(parseInt(bytes.subarray(i + 1, i + 3).toString(), 16));
      i += 2;
    } else out.push(bytes[i]);
  }
  return Buffer.from(out).toString('utf8');
}

function parse(raw, to) {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  let body = raw.slice(split + 4).replace(/^\.\./gm, '.');
  const header = (name) => head.split('\r\n').find((l) => l.toLowerCase().startsWith(name.toLowerCase() + ':'))?.slice(name.length + 1).trim() ?? '';
  if (/quoted-printable/i.test(header('Content-Transfer-Encoding'))) body = decodeQP(body);
  return { to, subject: header('Subject'), text: body };
}

export class SmtpSink {
  static async start() {
    const sink = new SmtpSink();
    await new Promise((resolve) => sink.server.listen(0, '127.0.0.1', resolve));
    sink.port = sink.server.address().port;
    return sink;
  }

  constructor() {
    this.mail = [];
    this.waiters = [];
    this.server = net.createServer((sock) => this.session(sock));
  }

  session(sock) {
    let buf = '';
    let data = false;
    let to = [];
    sock.write('220 localhost sink\r\n');
    sock.on('data', (chunk) => {
      buf += chunk.toString('latin1');
      for (;;) {
        if (data) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          this.deliver(parse(buf.slice(0, end + 2), to));
          buf = buf.slice(end + 5);
          data = false;
          to = [];
          sock.write('250 OK\r\n');
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') sock.write('250-localhost\r\n250 8BITMIME\r\n');
        else if (verb === 'HELO' || verb === 'MAIL' || verb === 'NOOP') sock.write('250 OK\r\n');
        else if (verb === 'RSET') {
          to = [];
          sock.write('250 OK\r\n');
        } else if (verb === 'RCPT') {
          to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
          sock.write('250 OK\r\n');
        } else if (verb === 'DATA') {
          data = true;
          sock.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') {
          sock.end('221 bye\r\n');
          return;
        } else sock.write('502 not here\r\n');
      }
    });
    sock.on('error', () => {});
  }

  deliver(m) {
    const w = this.waiters.shift();
    if (w) w(m);
    else this.mail.push(m);
  }

  /** next resolves with the next message received (already received first). */
  next() {
    if (this.mail.length) return Promise.resolve(this.mail.shift());
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  close() {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** linkIn is the first link with a token in a message's text. */
export function linkIn(m) {
  const link = /https?:\/\/\S+\?token=\S+/.exec(m.text)?.[0];
  if (!link) throw new Error(`no link in the mail to ${m.to}: ${m.text}`);
  return link;
}
