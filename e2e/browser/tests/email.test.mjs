// The email channel in Chromium against the real server with its SMTP
// listener on: an admin sets up an email inbox from the settings page
// (sending through a fake SMTP relay started here on loopback); a mail
// arrives through the listener and shows live in the list with its
// subject; the agent opens it (subject in the header, the mail's body) and
// replies; the reply reaches the relay with the thread's headers and shows
// as sent; the tracking image marks it opened; New chat on the email inbox
// sends a first mail with the subject the agent typed.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { after, before, describe } from 'node:test';
import { launch, newPage, screenshot } from '../lib/browser.mjs';
import { Api, buildServer, freePort, makeTempDir, Server } from '../lib/server.mjs';
import { steps } from '../lib/steps.mjs';

const ADMIN = { name: 'Erin Admin', email: 'erin@example.com', password: 'email horse battery staple' };

/** FakeRelay is a minimal loopback SMTP relay that records the mail it accepts. */
class FakeRelay {
  constructor() {
    this.mail = [];
    this.waiters = [];
    this.server = net.createServer((sock) => this.session(sock));
  }
  async start() {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = this.server.address().port;
    return this;
  }
  session(sock) {
    let buf = '';
    let data = false;
    let cur = { from: '', to: [], data: '' };
    sock.write('220 relay.test ESMTP fake\r\n');
    sock.on('data', (chunk) => {
      buf += chunk.toString('utf8');
      for (;;) {
        if (data) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          cur.data = buf.slice(0, end);
          buf = buf.slice(end + 5);
          data = false;
          this.mail.push(cur);
          this.waiters.splice(0).forEach((w) => w());
          cur = { from: '', to: [], data: '' };
          sock.write('250 2.0.0 queued\r\n');
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        const cmd = line.slice(0, 4).toUpperCase();
        if (cmd === 'EHLO') sock.write('250-relay.test\r\n250-DSN\r\n250 8BITMIME\r\n');
        else if (cmd === 'HELO') sock.write('250 relay.test\r\n');
        else if (cmd === 'MAIL') (cur.from = line), sock.write('250 2.1.0 ok\r\n');
        else if (cmd === 'RCPT') cur.to.push(line), sock.write('250 2.1.5 ok\r\n');
        else if (cmd === 'DATA') (data = true), sock.write('354 go ahead\r\n');
        else if (cmd === 'QUIT') sock.end('221 bye\r\n');
        else sock.write('250 ok\r\n');
      }
    });
    sock.on('error', () => {});
  }
  async next(timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    while (!this.mail.length) {
      if (Date.now() > deadline) throw new Error('no mail reached the relay');
      await new Promise((r) => {
        this.waiters.push(r);
        setTimeout(r, 1000);
      });
    }
    return this.mail.shift();
  }
  stop() {
    this.server.close();
  }
}

/** sendMail speaks SMTP to addr ("host:port") and resolves with the final reply line. */
async function sendMail(port, from, to, raw) {
  const sock = net.connect(port, '127.0.0.1');
  let buf = '';
  const replies = [];
  let wake = () => {};
  sock.on('data', (c) => {
    buf += c.toString('utf8');
    let nl;
    while ((nl = buf.indexOf('\r\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 2);
      if (line[3] !== '-') replies.push(line);
    }
    wake();
  });
  const reply = async () => {
    while (!replies.length) await new Promise((r) => (wake = r));
    return replies.shift();
  };
  const cmd = async (line, want) => {
    if (line) sock.write(line + '\r\n');
    const r = await reply();
    if (!r.startsWith(want)) throw new Error(`${line || 'greeting'}: ${r}`);
    return r;
  };
  await cmd('', '220');
  await cmd('EHLO client.test', '250');
  await cmd(`MAIL FROM:<${from}>`, '250');
  await cmd(`RCPT TO:<${to}>`, '250');
  await cmd('DATA', '354');
  const body = raw.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
  const last = await cmd(body + '\r\n.', '250');
  sock.end('QUIT\r\n');
  return last;
}

let tmp;
let server;
let relay;
let smtpPort;
let browser;
let page;
let admin;
let lastReply;

const step = steps(async () => {
  if (page && !page.isClosed()) await screenshot(page, 'FAILED-email').catch(() => {});
  console.error(`server log (tail):\n${server?.log.slice(-4000)}`);
});

describe('email channel in Chromium', { timeout: 180_000 }, () => {
  before(async () => {
    tmp = await makeTempDir();
    relay = await new FakeRelay().start();
    smtpPort = await freePort();
    const bin = process.env.PARLEY_BIN || (await buildServer(tmp.dir));
    server = await Server.create(bin, tmp.dir, {
      env: { PARLEY_SMTP_ADDR: `127.0.0.1:${smtpPort}`, PARLEY_ALLOW_PRIVATE_ADDRESSES: '127.0.0.1/8' },
    });
    await server.start();
    const token = await server.setupToken();
    await new Api(server.url).req('POST', '/setup', { token, workspace_name: 'Acme Support', ...ADMIN });
    admin = await new Api(server.url).login(ADMIN.email, ADMIN.password);
    admin.ws = (await admin.req('GET', '/me')).workspaces[0].id;
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    relay?.stop();
    await tmp?.cleanup();
  });

  step('sets up an email inbox from the settings page', async () => {
    page = await newPage(browser, server.url);
    await page.goto('/');
    await page.waitForURL('**/login');
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('navigation', { name: 'Views' }).waitFor();
    await page.getByRole('banner').getByRole('link', { name: 'Settings' }).click();
    await page.waitForURL('**/settings');
    await page.getByRole('link', { name: /^Email/ }).click();
    await page.waitForURL('**/settings/inboxes/new?kind=email');
    const form = page.getByRole('form', { name: /Email inbox/ });
    await form.getByLabel(/^Name/).fill('Support mail');
    await form.getByLabel(/^Support address/).fill('support@acme.test');
    await form.getByLabel(/^Display name/).fill('Acme Support');
    await form.getByLabel(/^SMTP host/).fill('127.0.0.1');
    await form.getByLabel(/^SMTP port/).fill(String(relay.port));
    await form.getByLabel(/^SMTP security/).fill('none');
    await form.getByLabel(/^Track opens/).fill('true');
    await form.getByRole('button', { name: 'Create inbox' }).click();
    await page.waitForURL(/\/settings\/inboxes\/[0-9a-f-]+\?created=1$/);
    const setup = page.getByRole('group', { name: 'Email set-up' });
    await setup.getByText(/forwarding rule/).waitFor();
    assert.equal(await setup.getByRole('textbox', { name: 'Support address' }).inputValue(), 'support@acme.test');
    await screenshot(page, 'email-inbox-setup');
  });

  step('a mail through the SMTP listener shows live in the list with its subject', async () => {
    await page.goto('/');
    await page.getByRole('navigation', { name: 'Views' }).waitFor();
    const raw = [
      'From: Alice Doe <alice@customer.test>',
      'To: support@acme.test',
      'Subject: Printer on fire',
      'Message-ID: <browser-1@customer.test>',
      'Date: Wed, 02 Dec 2026 10:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: multipart/alternative; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Hello, my printer is on fire.',
      '--b1',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>Hello, my <b>printer</b> is on fire.</p><script>window.pwned=1</script><img src="x" onerror="window.pwned=2">',
      '--b1--',
      '',
    ].join('\n');
    assert.match(await sendMail(smtpPort, 'alice@customer.test', 'support@acme.test', raw), /^250/);
    const row = page.getByRole('option', { name: /Alice Doe/ });
    await row.getByTestId('conv-subject').filter({ hasText: 'Printer on fire' }).waitFor();
    await row.click();
    await page.getByTestId('thread-subject').filter({ hasText: 'Printer on fire' }).waitFor();
    const frame = page.frameLocator('[data-testid=email-frame]');
    await frame.getByText('is on fire').waitFor();
    assert.equal(await page.evaluate(() => window.pwned), undefined, 'no script from the mail ran');
    await screenshot(page, 'email-thread');
  });

  step('the agent replies; the reply reaches the relay with the thread headers and shows as sent', async () => {
    const composer = page.getByRole('form', { name: 'Composer' });
    await composer.getByRole('textbox', { name: 'Reply' }).fill('We are on it. Stand back.');
    await composer.getByRole('button', { name: 'Send' }).click();
    const got = await relay.next();
    assert.match(got.from, /support@acme\.test/);
    assert.match(got.to.join(' '), /alice@customer\.test/);
    assert.match(got.data, /^In-Reply-To: <browser-1@customer\.test>/m);
    assert.match(got.data, /^Subject: Re: Printer on fire/m);
    assert.match(got.data, /^Reply-To: .*support\+\d+-[a-z0-9]+@acme\.test/m);
    assert.match(got.data, /We are on it\. Stand back\./);
    const item = page.getByRole('list', { name: 'Conversation history' }).locator('li.msg-out', { hasText: 'We are on it' });
    await item.locator('[data-status=sent]').waitFor();
    lastReply = got;
  });

  step('the customer opens the reply: the tracking image marks it Opened, live, with its icon', async () => {
    // The HTML part is quoted-printable: undo soft breaks and escapes.
    const decoded = lastReply.data.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
    const m = decoded.match(/<img src="([^"]+\/t\/o\/[^"]+)"/);
    assert.ok(m, 'the reply carries the tracking image');
    const pixel = m[1].replace(/&amp;/g, '&');
    const forged = await fetch(pixel.slice(0, -2) + (pixel.endsWith('AA') ? 'AB' : 'AA'));
    assert.equal(forged.status, 404, 'a forged tracking URL is refused');
    const res = await fetch(pixel);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/gif');
    const item = page.getByRole('list', { name: 'Conversation history' }).locator('li.msg-out', { hasText: 'We are on it' });
    await item.locator('[data-status=opened]').waitFor();
    await item.getByTestId('email-status-opened').waitFor();
    await screenshot(page, 'email-opened');
  });

  step('New chat on the email inbox asks for a subject; the mail leaves with it and the thread shows it', async () => {
    await page.keyboard.press('Alt+KeyC');
    const dialog = page.getByRole('dialog', { name: 'New chat' });
    await dialog.getByLabel('Contact', { exact: true }).fill('Alice');
    await dialog.getByRole('button', { name: /Alice Doe/ }).click();
    await dialog.getByLabel('Channel', { exact: true }).waitFor();
    const subject = dialog.getByLabel(/^Subject/);
    await subject.fill('Your replacement printer');
    await dialog.getByLabel('Message', { exact: true }).fill('It ships today.');
    await dialog.getByRole('button', { name: 'Start chat' }).click();
    await dialog.waitFor({ state: 'detached' });
    const got = await relay.next();
    assert.match(got.data, /^Subject: Your replacement printer/m);
    assert.doesNotMatch(got.data, /^In-Reply-To:/m);
    assert.match(got.data, /It ships today\./);
    await page.getByTestId('thread-subject').filter({ hasText: 'Your replacement printer' }).waitFor();
    await screenshot(page, 'email-new-chat-subject');
  });
});
