// The conversation side in Chromium: the details panel (Visible to, priority,
// pin, Team, admin delete with a confirm), list previews that name their
// author, the Assign pop-up closing after a choice, layouts at 1440, 1024 and
// 390 px with no control lost, and the operating system's dark mode.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { steps } from '../lib/steps.mjs';
import { launch, newPage, screenshot } from '../lib/browser.mjs';
import { Api, buildServer, makeTempDir, Server } from '../lib/server.mjs';

const ADMIN = { name: 'Ada Admin', email: 'ada@example.com', password: 'correct horse battery' };
const AGENT = { name: 'Bo Agent', email: 'bo@example.com', password: 'staple battery horse' };

let tmp;
let server;
let browser;
let admin; // Api as the admin
let agent; // Api as the agent
let agentId;
let inboundToken;
let page;

const list = (p) => p.getByRole('listbox', { name: 'Conversations' });
const row = (p, name) => list(p).getByRole('option', { name: new RegExp(name) });
const details = (p) => p.getByRole('complementary', { name: 'Details' });

async function customerSays(name, content) {
  const sourceId = name.toLowerCase().replace(/\W+/g, '-');
  return admin.inbound(inboundToken, { sourceId, name, content });
}

async function convOf(name) {
  const l = await admin.req('GET', `/workspaces/${admin.ws}/conversations?status=queued,open,pending,snoozed,resolved`);
  const c = l.items.find((x) => x.contact.name === name);
  assert.ok(c, `no conversation with ${name}`);
  return c;
}

async function signIn(p, who) {
  await p.goto('/');
  await p.waitForURL('**/login');
  await p.getByLabel('Email').fill(who.email);
  await p.getByLabel('Password').fill(who.password);
  await p.getByLabel('Password').press('Enter');
  await p.getByRole('navigation', { name: 'Views' }).waitFor();
}

const step = steps(async () => {
  if (page && !page.isClosed()) await screenshot(page, 'FAILED-inbox').catch(() => {});
  console.error(`server log (tail):\n${server?.log.slice(-4000)}`);
});

describe('inbox, thread and details in Chromium', { timeout: 170_000 }, () => {
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
    agent = await new Api(server.url).login(AGENT.email, AGENT.password);
    browser = await launch();
    page = await newPage(browser, server.url);
    await signIn(page, ADMIN);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await tmp?.cleanup();
  });

  step('the list says "You" for my replies and the author\'s name for a colleague\'s, live and after a reload', async () => {
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await customerSays('Grace Hopper', 'Where is my order?');
    await customerSays('Linus Torvalds', 'My invoice is wrong.');
    await row(page, 'Grace Hopper').waitFor();
    await row(page, 'Linus Torvalds').waitFor();
    const grace = await convOf('Grace Hopper');
    const linus = await convOf('Linus Torvalds');
    await admin.req('POST', `/workspaces/${admin.ws}/conversations/${grace.id}/messages`, { content: 'Checking now.' });
    await agent.req('POST', `/workspaces/${admin.ws}/conversations/${linus.id}/messages`, { content: 'Fixed it.' });
    await row(page, 'Grace Hopper').getByText('You: Checking now.').waitFor();
    await row(page, 'Linus Torvalds').getByText('Bo Agent: Fixed it.').waitFor();
    // A private note does not become the preview, live or after a reload.
    await admin.req('POST', `/workspaces/${admin.ws}/conversations/${linus.id}/messages`, { content: 'VIP customer', private: true });
    await customerSays('Margaret Hamilton', 'Hello');
    await row(page, 'Margaret Hamilton').waitFor();
    assert.equal(await row(page, 'Linus Torvalds').getByText('VIP customer').count(), 0, 'a note became the live preview');
    await page.reload();
    await row(page, 'Grace Hopper').getByText('You: Checking now.').waitFor();
    await row(page, 'Linus Torvalds').getByText('Bo Agent: Fixed it.').waitFor();
  });

  step('a reply in an API inbox without a callback says it was stored, not sent', async () => {
    await row(page, 'Grace Hopper').click();
    const msg = page.getByRole('list', { name: 'Conversation history' }).locator('li', { hasText: 'Checking now.' });
    await msg.getByText('Stored').waitFor();
    await msg.getByText(/this inbox has no callback; read it through the API/).waitFor();
  });

  step('the Assign pop-up closes after a choice', async () => {
    const d = details(page);
    await d.getByRole('button', { name: 'Assign…' }).click();
    const menu = d.getByRole('group', { name: 'Assign to' });
    await menu.waitFor();
    await menu.getByRole('checkbox', { name: /Bo Agent/ }).click();
    await menu.waitFor({ state: 'detached' });
    await d.getByRole('list', { name: 'Assignees' }).getByText('Bo Agent').waitFor();
    // The controls it used to cover are usable at once.
    await d.getByLabel('Priority').selectOption('high');
  });

  step('priority, pin and Team (with a link to create one) in the details panel', async () => {
    const d = details(page);
    const grace = await convOf('Grace Hopper');
    await waitUntil(async () => (await admin.req('GET', `/workspaces/${admin.ws}/conversations/${grace.id}`)).priority === 'high');
    await d.getByRole('button', { name: 'Pin for me' }).click();
    await d.getByRole('button', { name: /Pinned/ }).waitFor();
    await waitUntil(async () => (await admin.req('GET', `/workspaces/${admin.ws}/conversations/${grace.id}`)).pinned === true);
    // No team yet: the Team control is still there, with a way to create one.
    await d.getByText('Team', { exact: true }).waitFor();
    const link = d.getByRole('link', { name: 'Create a team' });
    assert.equal(await link.getAttribute('href'), '/settings/teams');
  });

  step('Visible to: these users only, with the assignee kept on the list', async () => {
    const d = details(page);
    await d.getByRole('radio', { name: 'These users' }).check();
    const grace = await convOf('Grace Hopper');
    await waitUntil(async () => {
      const c = await admin.req('GET', `/workspaces/${admin.ws}/conversations/${grace.id}`);
      return Array.isArray(c.visible_to) && c.visible_to.includes(agentId);
    });
    const users = d.getByRole('list', { name: 'Users who can see this conversation' });
    // Bo is assigned: he must stay on the list, so his box cannot be cleared.
    assert.equal(await users.getByRole('checkbox', { name: /Bo Agent/ }).isDisabled(), true);
    await d.getByText(/Admins always see every conversation/).waitFor();
    await d.getByRole('radio', { name: 'Everyone' }).check();
    await waitUntil(async () => (await admin.req('GET', `/workspaces/${admin.ws}/conversations/${grace.id}`)).visible_to === null);
  });

  step('layouts at 1440, 1024 and 390 px keep status, assign and team reachable', async () => {
    const reach = async (width) => {
      const d = details(page);
      for (const [what, loc] of [
        ['status', d.getByLabel('Status')],
        ['assign', d.getByRole('button', { name: 'Assign…' })],
        ['team', d.getByText('Team', { exact: true })],
      ]) {
        assert.ok(await loc.isVisible(), `${what} is not reachable at ${width} px`);
        const box = await loc.boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= width + 1, `${what} is off screen at ${width} px: ${JSON.stringify(box)}`);
      }
    };
    await page.setViewportSize({ width: 1440, height: 900 });
    await details(page).getByLabel('Status').waitFor();
    await reach(1440);
    await screenshot(page, 'inbox-1440');

    await page.setViewportSize({ width: 1024, height: 768 });
    assert.equal(await details(page).getByLabel('Status').isVisible(), false, 'at 1024 px the details are a drawer, closed at first');
    await page.getByRole('button', { name: 'Details' }).click();
    await details(page).getByLabel('Status').waitFor({ state: 'visible' });
    await reach(1024);
    await screenshot(page, 'inbox-1024-drawer');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('.inbox.details-open'));
    await page.getByRole('heading', { name: 'Grace Hopper', level: 1 }).waitFor();

    await page.setViewportSize({ width: 390, height: 844 });
    // Phone: one panel at a time; the thread fills the width.
    const threadBox = await page.getByRole('main', { name: 'Conversation' }).boundingBox();
    assert.ok(threadBox.width >= 380, `the thread is ${threadBox.width} px wide at 390 px`);
    assert.equal(await list(page).isVisible(), false, 'the list hides while a thread is open on a phone');
    await screenshot(page, 'inbox-390-thread');
    await page.getByRole('button', { name: 'Details' }).click();
    await details(page).getByLabel('Status').waitFor({ state: 'visible' });
    await reach(390);
    const btn = await details(page).getByRole('button', { name: 'Assign…' }).boundingBox();
    assert.ok(btn.height >= 44, `the Assign button is ${btn.height} px tall on a phone, want a touch target`);
    await screenshot(page, 'inbox-390-details');
    await page.getByRole('button', { name: '← Back to conversation' }).click();
    await page.getByRole('heading', { name: 'Grace Hopper', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Back to the list' }).click();
    await row(page, 'Linus Torvalds').waitFor();
    await screenshot(page, 'inbox-390-list');
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  step('follows the operating system\'s dark mode', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    const bg = await page.evaluate(() => getComputedStyle(document.querySelector('.thread')).backgroundColor);
    const [r, g, b] = bg.match(/\d+/g).map(Number);
    assert.ok(r + g + b < 150, `the thread background is ${bg} in dark mode`);
    await screenshot(page, 'inbox-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  step('an admin deletes a conversation after confirming', async () => {
    await row(page, 'Margaret Hamilton').click();
    const d = details(page);
    await d.getByRole('button', { name: 'Delete conversation…' }).click();
    const dialog = page.getByRole('alertdialog', { name: /Delete conversation #\d+\?/ });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await d.getByRole('button', { name: 'Delete conversation…' }).click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.waitForURL((u) => u.pathname === '/');
    await row(page, 'Margaret Hamilton').waitFor({ state: 'detached' });
    const l = await admin.req('GET', `/workspaces/${admin.ws}/conversations`);
    assert.equal(l.items.some((c) => c.contact.name === 'Margaret Hamilton'), false, 'the conversation is still listed');
    assert.deepEqual(page.problems, []);
  });

  step('an agent sees no Delete', async () => {
    const p = await newPage(browser, server.url);
    await signIn(p, AGENT);
    await row(p, 'Grace Hopper').click();
    await details(p).getByLabel('Status').waitFor();
    assert.equal(await details(p).getByRole('button', { name: 'Delete conversation…' }).count(), 0);
    await p.context().close();
  });
});

/** waitUntil re-checks a server-side condition (the UI already showed the change). */
async function waitUntil(cond, timeoutMs = 5000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
