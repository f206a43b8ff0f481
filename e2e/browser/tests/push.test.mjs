// Quiet hours hold pushes, and the service worker receives the held ones as
// one summary when the window ends, in Chromium against the real server.
// The device's subscription points at a loopback push service
// (lib/pushservice.mjs) that decrypts Parley's push (RFC 8291) and hands the
// payload to the page's service worker as a push event: headless Chromium
// cannot subscribe through a real push service, so the hop from the push
// service to the browser is the one part played by the test. The window is
// real time (the server's clock is not faked): it ends at the next minute
// or the one after, so this file waits up to two minutes for the summary.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { steps } from '../lib/steps.mjs';
import { launch, newPage, screenshot } from '../lib/browser.mjs';
import { Api, buildServer, makeTempDir, Server } from '../lib/server.mjs';
import { PushService } from '../lib/pushservice.mjs';

const ADMIN = { name: 'Ada Admin', email: 'ada@example.com', password: 'correct horse battery' };
const AGENT = { name: 'Bo Agent', email: 'bo@example.com', password: 'staple battery horse' };

let tmp;
let server;
let browser;
let push;
let admin;
let agent;
let agentId;
let page;
let quietEnd;

const hhmm = (d) => d.toISOString().slice(11, 16);

const step = steps(async () => {
  if (page && !page.isClosed()) await screenshot(page, 'FAILED-push').catch(() => {});
  console.error(`server log (tail):\n${server?.log.slice(-4000)}`);
});

describe('held pushes reach the service worker after quiet hours', { timeout: 300_000 }, () => {
  before(async () => {
    tmp = await makeTempDir();
    push = await PushService.start();
    const bin = process.env.PARLEY_BIN || (await buildServer(tmp.dir));
    server = await Server.create(bin, tmp.dir, { env: { PARLEY_ALLOW_PRIVATE_ADDRESSES: '127.0.0.1/32' } });
    await server.start();
    const token = await server.setupToken();
    await new Api(server.url).req('POST', '/setup', { token, workspace_name: 'Acme Support', ...ADMIN });
    admin = await new Api(server.url).login(ADMIN.email, ADMIN.password);
    admin.ws = (await admin.req('GET', '/me')).workspaces[0].id;
    agentId = await admin.invite(admin.ws, AGENT);
    agent = await new Api(server.url).login(AGENT.email, AGENT.password);
    browser = await launch();
    page = await newPage(browser, server.url);
    await page.context().grantPermissions(['notifications']);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await push?.close();
    await tmp?.cleanup();
  });

  step('the app installs its service worker and the device subscribes', async () => {
    await page.goto('/login');
    await page.getByLabel('Email').fill(AGENT.email);
    await page.getByLabel('Password', { exact: true }).fill(AGENT.password);
    await page.getByLabel('Password', { exact: true }).press('Enter');
    await page.getByRole('navigation', { name: 'Views' }).waitFor();
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await agent.req('POST', '/me/push-subscriptions', push.subscription());
  });

  step('during quiet hours an assignment is kept in the app and its push is held', async () => {
    const now = new Date();
    // Quiet since a minute ago until the minute after next (UTC).
    quietEnd = new Date(Math.floor(now.getTime() / 60_000) * 60_000 + 2 * 60_000);
    const prefs = await agent.req('GET', `/me/notification-preferences?workspace_id=${admin.ws}`);
    await agent.req('PUT', `/me/notification-preferences?workspace_id=${admin.ws}`, {
      ...prefs,
      time_zone: 'UTC',
      quiet_hours: [{ start: hhmm(new Date(now.getTime() - 60_000)), end: hhmm(quietEnd), days: [] }],
    });
    const inbox = await admin.req('POST', `/workspaces/${admin.ws}/inboxes`, { name: 'Website API', channel: 'api', config: {} });
    for (const [id, name] of [['grace', 'Grace Hopper'], ['linus', 'Linus T']]) {
      await admin.inbound(inbox.inbound_token, { sourceId: id, name, content: 'Hello?' });
    }
    const list = await admin.req('GET', `/workspaces/${admin.ws}/conversations?status=queued,open,pending`);
    for (const c of list.items) await admin.req('PATCH', `/workspaces/${admin.ws}/conversations/${c.id}`, { assignee_ids: [agentId] });
    // In the app at once (the bell counts what is unread).
    await page.getByTestId('notification-toast').filter({ hasText: /was assigned to you/ }).first().waitFor();
    const listed = await agent.req('GET', `/notifications?workspace_id=${admin.ws}`);
    assert.ok(listed.items.filter((n) => n.type === 'assigned').length >= 2, JSON.stringify(listed.items));
    assert.ok(Date.now() < quietEnd.getTime(), 'the setup took longer than the quiet window');
    assert.equal(push.count, 0, 'a push went out during quiet hours');
  });

  step('when the window ends one summary push arrives, and the service worker shows it', async () => {
    const got = await push.next();
    assert.ok(got.at >= quietEnd.getTime(), `a push came ${quietEnd.getTime() - got.at} ms before the window ended`);
    assert.equal(got.headers['content-encoding'], 'aes128gcm');
    assert.match(got.headers.authorization ?? '', /^vapid t=[\w-]+\.[\w-]+\.[\w-]+, k=[\w-]+$/);
    const payload = push.decrypt(got.body);
    const msg = JSON.parse(payload);
    // Held: the two new conversations in Bo's queue and the two assignments.
    assert.equal(msg.count, 4);
    assert.equal(msg.title, '4 notifications while you were away');

    // The browser's push service would now wake the worker with this payload.
    const [sw] = page.context().serviceWorkers();
    assert.ok(sw, 'no service worker is running');
    const heard = page.evaluate(
      () => new Promise((resolve) => navigator.serviceWorker.addEventListener('message', (e) => e.data?.type === 'push' && resolve(e.data.message))),
    );
    await sw.evaluate((data) => {
      self.dispatchEvent(new PushEvent('push', { data }));
    }, payload);
    // The worker handled it: it posts what it showed to the open tabs.
    // (Headless Chromium keeps no shown notifications: getNotifications()
    // answers [] there even after showNotification resolves, so the tab's
    // copy is what can be checked.)
    const told = await heard;
    assert.equal(told.title, '4 notifications while you were away');
    assert.match(told.body, /Grace Hopper|Linus T/);
    assert.equal(told.url, '/notifications');
    assert.equal(await sw.evaluate(() => Notification.permission), 'granted');
    assert.equal(push.count, 0, 'more than one push after the window');
    assert.deepEqual(page.problems, []);
  });
});
