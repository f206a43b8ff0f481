// Notifications in Chromium: a second agent is assigned a conversation and
// sees the bell count and a toast with "Open" live; the popover lists it and
// opens the conversation; a conversation hidden from the agent never shows;
// the preferences screen saves; the app is installable (manifest, icons,
// service worker).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { steps } from '../lib/steps.mjs';
import { checkScreen, launch, newPage, screenshot } from '../lib/browser.mjs';
import { Api, buildServer, makeTempDir, Server } from '../lib/server.mjs';

const ADMIN = { name: 'Ada Admin', email: 'ada@example.com', password: 'correct horse battery' };
const AGENT = { name: 'Bo Agent', email: 'bo@example.com', password: 'staple battery horse' };
const OTHER = { name: 'Cy Agent', email: 'cy@example.com', password: 'battery staple horse' };

let tmp;
let server;
let browser;
let admin;
let agentId;
let otherId;
let inboundToken;
let page;

async function signIn(p, who) {
  await p.goto('/');
  await p.waitForURL('**/login');
  await p.getByLabel('Email').fill(who.email);
  await p.getByLabel('Password').fill(who.password);
  await p.getByLabel('Password').press('Enter');
  await p.getByRole('navigation', { name: 'Views' }).waitFor();
}

async function convOf(name) {
  const l = await admin.req('GET', `/workspaces/${admin.ws}/conversations?status=queued,open,pending,snoozed,resolved`);
  const c = l.items.find((x) => x.contact.name === name);
  assert.ok(c, `no conversation with ${name}`);
  return c;
}

const bell = (p) => p.getByRole('button', { name: /^Notifications/ });

const step = steps(async () => {
  if (page && !page.isClosed()) await screenshot(page, 'FAILED-notifications').catch(() => {});
  console.error(`server log (tail):\n${server?.log.slice(-4000)}`);
});

describe('notifications in Chromium', { timeout: 170_000 }, () => {
  before(async () => {
    tmp = await makeTempDir();
    const bin = process.env.PARLEY_BIN || (await buildServer(tmp.dir));
    server = await Server.create(bin, tmp.dir);
    await server.start();
    const token = await server.setupToken();
    await new Api(server.url).req('POST', '/setup', { token, workspace_name: 'Acme Support', ...ADMIN });
    admin = await new Api(server.url).login(ADMIN.email, ADMIN.password);
    admin.ws = (await admin.req('GET', '/me')).workspaces[0].id;
    const inbox = await admin.req('POST', `/workspaces/${admin.ws}/inboxes`, { name: 'Website API', channel: 'api', config: {} });
    inboundToken = inbox.inbound_token;
    agentId = await admin.invite(admin.ws, AGENT);
    otherId = await admin.invite(admin.ws, OTHER);
    browser = await launch();
    page = await newPage(browser, server.url);
    await signIn(page, AGENT);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await tmp?.cleanup();
  });

  step('an assignment shows live as a bell count and a toast with Open', async () => {
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    // Hidden from Bo before anything about it could reach him: visible to
    // Cy only (the new-conversation notice goes out first, so hide a second
    // conversation that Bo never saw).
    await admin.inbound(inboundToken, { sourceId: 'secret', name: 'Secret Sam', content: 'Confidential' });
    const secret = await convOf('Secret Sam');
    await admin.req('PATCH', `/workspaces/${admin.ws}/conversations/${secret.id}`, { visible_to: [otherId], assignee_ids: [otherId] });
    await admin.inbound(inboundToken, { sourceId: 'secret', name: 'Secret Sam', content: 'More secrets' });

    await admin.inbound(inboundToken, { sourceId: 'grace', name: 'Grace Hopper', content: 'Where is my order?' });
    const grace = await convOf('Grace Hopper');
    // Bo has seen two new conversations by now; read them so the count is about what follows.
    await page.getByRole('status').filter({ hasText: /Grace Hopper/ }).waitFor();
    await bell(page).click();
    await page.getByRole('button', { name: 'Mark all read' }).click();
    await page.keyboard.press('Escape');
    await page.getByTestId('bell-count').waitFor({ state: 'detached' });

    await admin.req('PATCH', `/workspaces/${admin.ws}/conversations/${grace.id}`, { assignee_ids: [agentId] });
    const toast = page.getByTestId('notification-toast').filter({ hasText: /was assigned to you/ });
    await toast.waitFor();
    assert.equal(await page.getByTestId('bell-count').textContent(), '1');
    await checkScreen(page, 'notification-toast');
    await toast.getByRole('button', { name: 'Open' }).click();
    await page.waitForURL(`**/conversations/${grace.id}`);
    await page.getByTestId('bell-count').waitFor({ state: 'detached' });
  });

  step('the popover lists notifications and never names a hidden conversation', async () => {
    await bell(page).click();
    const pop = page.getByRole('dialog', { name: 'Notifications' });
    await pop.getByText(/Conversation #\d+ with Grace Hopper was assigned to you/).waitFor();
    const text = await pop.textContent();
    assert.ok(!/Secret Sam|Confidential|More secrets/.test(text), `the popover names the hidden conversation: ${text}`);
    await checkScreen(page, 'notification-popover');
    await page.keyboard.press('Escape');
    await pop.waitFor({ state: 'detached' });
  });

  step('the preferences screen saves', async () => {
    await bell(page).click();
    await page.getByRole('dialog', { name: 'Notifications' }).getByRole('link', { name: 'Preferences' }).click();
    await page.waitForURL('**/settings/notifications');
    await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
    await page.getByLabel('Assigned to me only').check();
    await page.getByLabel('New conversation in my queue: Push').uncheck();
    await page.getByRole('button', { name: 'Add quiet hours' }).click();
    await page.getByLabel('Time zone').fill('Europe/Paris');
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await page.getByText('Preferences saved.').waitFor();
    await checkScreen(page, 'notification-preferences');
    const agent = await new Api(server.url).login(AGENT.email, AGENT.password);
    const p = await agent.req('GET', `/me/notification-preferences?workspace_id=${admin.ws}`);
    assert.equal(p.scope, 'assigned');
    assert.equal(p.types.new_conversation.push, false);
    assert.equal(p.time_zone, 'Europe/Paris');
    assert.deepEqual(p.quiet_hours, [{ start: '22:00', end: '07:00', days: [] }]);
    // A bad time zone is refused with the server's sentence, nothing saved.
    await page.getByLabel('Time zone').fill('Mars/Olympus');
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await page.getByRole('alert').getByText(/not a time zone name/).waitFor();
    assert.equal((await agent.req('GET', `/me/notification-preferences?workspace_id=${admin.ws}`)).time_zone, 'Europe/Paris');
  });

  step('the app is installable: manifest, icons and a service worker', async () => {
    const manifest = await (await fetch(server.url + '/manifest.json')).json();
    assert.equal(manifest.display, 'standalone');
    for (const icon of manifest.icons) {
      const r = await fetch(server.url + icon.src);
      assert.equal(r.status, 200, `icon ${icon.src}`);
    }
    const registered = await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.ready;
      return reg.active?.scriptURL ?? '';
    });
    assert.match(registered, /\/sw\.js$/);
    assert.deepEqual(page.problems, []);
  });
});
