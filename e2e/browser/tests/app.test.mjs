// The agent app in Chromium against the real server: first-run set-up, sign
// in, live inbound messages, reply, note, assign, status, a colleague's
// typing, keyboard-only work, and reconnecting after a server restart.
// Every screen is checked with axe-core and screenshotted at 1440×900.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { steps } from '../lib/steps.mjs';
import { checkScreen, launch, newPage, screenshot } from '../lib/browser.mjs';
import { Api, buildServer, makeTempDir, Server } from '../lib/server.mjs';

// Two browsers race to set up; whichever wins is the admin from then on.
const CANDIDATES = [
  { name: 'Ada Admin', email: 'ada@example.com', password: 'correct horse battery' },
  { name: 'Ari Admin', email: 'ari@example.com', password: 'another long password' },
];
let ADMIN;
const AGENT = { name: 'Bo Agent', email: 'bo@example.com', password: 'staple battery horse' };

let tmp;
let server;
let browser;
let admin; // Api as the admin
let inboundToken;
let pageA; // the admin's browser
let pageB; // the second agent's browser

const list = (page) => page.getByRole('listbox', { name: 'Conversations' });
// The inbox shell is there even when the list is empty (and has no listbox).
const inbox = (page) => page.getByRole('navigation', { name: 'Views' });
const row = (page, name) => list(page).getByRole('option', { name: new RegExp(name) });
const thread = (page) => page.getByRole('list', { name: 'Conversation history' });

async function textIs(page, selector, want) {
  await page.waitForFunction(
    ([sel, txt]) => document.querySelector(sel)?.textContent?.trim() === txt,
    [selector, want],
  );
}

async function customerSays(name, content, sourceId = name.toLowerCase().replace(/\W+/g, '-')) {
  return admin.inbound(inboundToken, { sourceId, name, content });
}

// The steps build on each other: after a failure the rest are skipped, and
// the failure leaves screenshots of both browsers and the server's log.
const step = steps(async () => {
  for (const [who, p] of [['admin', pageA], ['agent', pageB]]) {
    if (p && !p.isClosed()) await screenshot(p, `FAILED-${who}`).catch(() => {});
  }
  console.error(`server log (tail):\n${server?.log.slice(-4000)}`);
});

async function signIn(page, who) {
  await page.goto('/');
  await page.waitForURL('**/login');
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByLabel('Password').press('Enter');
  await inbox(page).waitFor();
}

describe('agent app in Chromium', { timeout: 170_000 }, () => {
  before(async () => {
    tmp = await makeTempDir();
    // PARLEY_BIN runs a binary built elsewhere (CI may build once for all suites).
    const bin = process.env.PARLEY_BIN || (await buildServer(tmp.dir));
    server = await Server.create(bin, tmp.dir);
    await server.start();
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await tmp?.cleanup();
  });

  step('first run: the set-up page creates the workspace and the first admin, once', async () => {
    const res = await fetch(server.url + '/api/v1/setup');
    assert.deepEqual(await res.json(), { needed: true });
    const token = await server.setupToken();

    // Without the link the app still lands on set-up and asks for the token.
    pageA = await newPage(browser, server.url);
    await pageA.goto('/');
    await pageA.waitForURL('**/setup');
    await pageA.getByLabel('Set-up token').waitFor();
    await checkScreen(pageA, '01-setup');

    // Two browsers race with the same one-time link: exactly one wins.
    const rival = await newPage(browser, server.url);
    const pages = [pageA, rival];
    for (const [i, p] of pages.entries()) {
      const who = CANDIDATES[i];
      await p.goto('/setup?token=' + encodeURIComponent(token));
      await p.getByLabel('Workspace name').fill('Acme Support');
      await p.getByLabel('Your name').fill(who.name);
      await p.getByLabel('Email').fill(who.email);
      await p.getByLabel('Password').fill(who.password);
    }
    assert.equal(await pageA.getByLabel('Set-up token').count(), 0, 'the token comes from the link');
    await Promise.all(pages.map((p) => p.getByRole('button', { name: 'Create workspace' }).click()));
    const outcome = (p) =>
      Promise.race([inbox(p).waitFor().then(() => 'inbox'), p.getByRole('alert').waitFor().then(() => 'refused')]);
    const outcomes = await Promise.all(pages.map(outcome));
    assert.deepEqual([...outcomes].sort(), ['inbox', 'refused'], `set-up outcomes: ${outcomes}`);
    const winner = outcomes.indexOf('inbox');
    ADMIN = CANDIDATES[winner];
    pageA = pages[winner];
    await pages[1 - winner].context().close();
    const again = await fetch(server.url + '/api/v1/setup');
    assert.deepEqual(await again.json(), { needed: false });

    // A brand-new workspace has no channel: the empty list guides the admin
    // to connect one (waited for before the seeding below adds an inbox).
    await pageA.getByRole('region', { name: 'Connect your first channel' }).getByRole('button', { name: 'Connect your first channel' }).waitFor();
    await checkScreen(pageA, '02-inbox-empty');

    // Seed through the API: an API-channel inbox and a second agent.
    admin = await new Api(server.url).login(ADMIN.email, ADMIN.password);
    const me = await admin.req('GET', '/me');
    const ws = me.workspaces[0].id;
    admin.ws = ws;
    const apiInbox = await admin.req('POST', `/workspaces/${ws}/inboxes`, { name: 'Website API', channel: 'api', config: {} });
    inboundToken = apiInbox.inbound_token;
    // The agent joins through an invitation link, choosing their password.
    const invite = await admin.req('POST', `/workspaces/${ws}/invites`, { email: AGENT.email, role: 'agent' });
    const inviteToken = new URL(invite.link).searchParams.get('token');
    await new Api(server.url).req('POST', '/invites/accept', { token: inviteToken, name: AGENT.name, password: AGENT.password });

  });

  step('signs in with Enter and signs out', async () => {
    pageB = await newPage(browser, server.url);
    // The one-time link, used again, says so instead of offering the form.
    await pageB.goto('/setup?token=spent');
    await pageB.getByRole('heading', { name: 'Parley is set up' }).waitFor();
    await checkScreen(pageB, '03-setup-done');
    await pageB.getByRole('link', { name: 'Go to sign in' }).click();
    await pageB.waitForURL('**/login');
    await pageB.goto('/');
    await pageB.waitForURL('**/login');
    await checkScreen(pageB, '04-sign-in');
    await pageB.getByLabel('Email').fill(AGENT.email);
    await pageB.getByLabel('Password').fill('wrong password');
    await pageB.getByLabel('Password').press('Enter');
    await pageB.getByRole('alert').waitFor();
    await signIn(pageB, AGENT);
    await pageB.getByRole('button', { name: 'Sign out' }).click();
    await pageB.waitForURL('**/login');
    const me = await pageB.evaluate(() => fetch('/api/v1/me').then((r) => r.status));
    assert.equal(me, 401, 'the session is gone after signing out');
    // The live socket opened by signing in is compressed: the browser offers
    // permessage-deflate and the server accepts it.
    const cdp = await pageB.context().newCDPSession(pageB);
    await cdp.send('Network.enable');
    const handshake = new Promise((resolve) => cdp.on('Network.webSocketHandshakeResponseReceived', resolve));
    await signIn(pageB, AGENT);
    const { response } = await handshake;
    const extensions = Object.entries(response.headers).find(([k]) => k.toLowerCase() === 'sec-websocket-extensions')?.[1] ?? '';
    assert.match(extensions, /permessage-deflate/, `the socket's extensions are "${extensions}"`);
    await cdp.detach();
  });

  step('an inbound message shows live in the list and in the open thread', async () => {
    await pageA.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await customerSays('Grace Hopper', 'Hello, my order #1042 has not arrived.');
    await row(pageA, 'Grace Hopper').waitFor();
    await row(pageB, 'Grace Hopper').waitFor();
    await textIs(pageA, '[data-testid=count-all]', '1');
    await textIs(pageA, '[data-testid=count-unassigned]', '1');
    // Unread: bold with a badge until opened.
    const r = row(pageA, 'Grace Hopper');
    assert.match((await r.getAttribute('class')) ?? '', /unread/);
    await r.getByLabel('1 unread').waitFor();

    await r.click();
    await thread(pageA).getByText('Hello, my order #1042 has not arrived.').waitFor();
    await pageA.waitForFunction(() => !document.querySelector('.conv-row.unread'));
    await pageA.getByRole('heading', { name: 'Grace Hopper', level: 1 }).waitFor();

    await customerSays('Grace Hopper', 'It was due on Monday.');
    await thread(pageA).getByText('It was due on Monday.').waitFor();
    await row(pageB, 'Grace Hopper').getByText('It was due on Monday.').waitFor();
    await checkScreen(pageA, '05-thread');
  });

  step('replies to the customer and adds a private note', async () => {
    const reply = pageA.getByRole('textbox', { name: 'Reply' });
    await reply.fill('Sorry about that — I am checking with the courier.');
    await reply.press('Enter'); // a newline, not a send
    await reply.pressSequentially('Back in a minute.');
    await reply.press('Control+Enter');
    const sent = thread(pageA).locator('li.msg-out', { hasText: 'Back in a minute.' });
    await sent.waitFor();
    await sent.locator('.delivery').waitFor();
    assert.equal(await reply.inputValue(), '');

    await pageA.keyboard.press('Alt+N');
    const note = pageA.getByRole('textbox', { name: 'Private note' });
    await note.fill('Courier says it is lost; offer a refund.');
    await note.press('Control+Enter');
    const noteItem = thread(pageA).locator('li[data-private="true"]', { hasText: 'offer a refund' });
    await noteItem.getByText('Internal note').waitFor();

    const convs = await admin.req('GET', `/workspaces/${admin.ws}/conversations?view=all`);
    const c = convs.items.find((x) => x.contact.name === 'Grace Hopper');
    const msgs = await admin.req('GET', `/workspaces/${admin.ws}/conversations/${c.id}/messages`);
    const byContent = (s) => msgs.items.find((m) => m.content.includes(s));
    assert.equal(byContent('Back in a minute.').private, false);
    assert.equal(byContent('Back in a minute.').content, 'Sorry about that — I am checking with the courier.\nBack in a minute.');
    assert.equal(byContent('offer a refund').private, true);
    await checkScreen(pageA, '06-reply-and-note');
  });

  step('assigns the conversation to a colleague and changes its status', async () => {
    await pageA.getByRole('button', { name: 'Assign…' }).click();
    await checkScreen(pageA, '07-assign');
    await pageA.getByRole('checkbox', { name: /Bo Agent/ }).click();
    await pageA.getByRole('list', { name: 'Assignees' }).getByText('Bo Agent').waitFor();
    // A choice closes the pop-up.
    await pageA.getByRole('group', { name: 'Assign to' }).waitFor({ state: 'detached' });
    // The colleague sees it under Mine, live.
    await textIs(pageB, '[data-testid=count-mine]', '1');
    await textIs(pageA, '[data-testid=count-unassigned]', '0');

    await pageA.getByLabel('Status', { exact: true }).selectOption('pending');
    await textIs(pageA, '[data-testid=thread-status]', 'Pending');
    await pageA.getByLabel('AI mode').selectOption('paused');
    await textIs(pageA, '.thread-title .tag-ai', 'AI paused');

    const c = (await admin.req('GET', `/workspaces/${admin.ws}/conversations?view=all`)).items[0];
    assert.equal(c.status, 'pending');
    assert.equal(c.ai_mode, 'paused');
    assert.ok(c.assignee_ids.length === 1, `assignees ${c.assignee_ids}`);

    // Snoozing is a status with a wake-up time.
    await pageA.getByLabel('Snooze').selectOption('1h');
    await textIs(pageA, '[data-testid=thread-status]', 'Snoozed');
    const snoozed = (await admin.req('GET', `/workspaces/${admin.ws}/conversations/${c.id}`));
    assert.equal(snoozed.status, 'snoozed');
    assert.ok(Date.parse(snoozed.snoozed_until) > Date.now() + 50 * 60_000, `snoozed_until ${snoozed.snoozed_until}`);
  });

  step("shows a colleague's typing and viewing", async () => {
    await row(pageB, 'Grace Hopper').click();
    await thread(pageB).getByText('It was due on Monday.').waitFor();
    await pageA.getByText('Bo Agent is viewing').waitFor();
    const box = pageB.getByRole('textbox', { name: 'Reply' });
    await box.pressSequentially('Let me take this one');
    await pageA.getByText('Bo Agent is typing…').waitFor();
    await checkScreen(pageA, '08-colleague-typing');
    await box.fill('');
    await pageA.getByText('Bo Agent is typing…').waitFor({ state: 'detached' });
    // Leaving the conversation ends "viewing".
    await pageB.keyboard.press('Escape'); // blur the composer
    await pageB.keyboard.press('Escape'); // close the conversation
    await pageB.waitForURL((u) => u.pathname === '/');
    await pageA.getByText('Bo Agent is viewing').waitFor({ state: 'detached' });
  });

  step('works from the keyboard alone', async () => {
    await customerSays('Alan Turing', 'Can I change my delivery address?');
    await customerSays('Ada Lovelace', 'Do you ship to the UK?');
    await row(pageA, 'Ada Lovelace').waitFor();
    const page = pageA;
    // Esc closes the open conversation; the list has the keyboard.
    await page.getByRole('textbox', { name: /Reply|Private note/ }).focus();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await page.waitForURL((u) => u.pathname === '/');

    // "?" lists every shortcut.
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    for (const k of ['/', '↑', '↓', 'Enter', 'Ctrl+Shift+↑', 'Ctrl+Shift+↓', 'Esc', 'Ctrl+Enter', 'Alt+N', 'Alt+R', 'Alt+A', '?']) {
      assert.ok(await dialog.locator('kbd', { hasText: k }).count(), `the shortcut list has ${k}`);
    }
    await checkScreen(page, '09-shortcuts');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // "/" focuses search, which filters the loaded list; Esc clears it.
    await page.keyboard.press('/');
    const search = page.getByRole('searchbox', { name: 'Search conversations' });
    assert.equal(await search.evaluate((el) => el === document.activeElement), true);
    await page.keyboard.type('lovelace');
    await list(page).getByRole('option').first().waitFor();
    assert.equal(await list(page).getByRole('option').count(), 1);
    await page.keyboard.press('Escape');
    assert.equal(await search.inputValue(), '');
    await page.waitForFunction(() => document.querySelectorAll('[role=listbox] [role=option]').length === 3);

    // Newest first: Ada, Alan, Grace. The highlight stays on the conversation
    // just closed (Grace): ↑ ↑ ↓ lands on Alan, Enter opens it.
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Alan Turing', level: 1 }).waitFor();
    // Ctrl+Shift+↓ / ↑ move between conversations, even from the composer.
    await page.keyboard.press('Alt+M');
    assert.equal(await page.getByRole('textbox', { name: 'Reply' }).evaluate((el) => el === document.activeElement), true);
    await page.keyboard.press('Control+Shift+ArrowDown');
    await page.getByRole('heading', { name: 'Grace Hopper', level: 1 }).waitFor();
    await page.keyboard.press('Control+Shift+ArrowUp');
    await page.getByRole('heading', { name: 'Alan Turing', level: 1 }).waitFor();

    // Alt+N, type, Ctrl+Enter: a note without the mouse.
    await page.keyboard.press('Alt+N');
    await page.keyboard.type('Address change needs the order number.');
    await page.keyboard.press('Control+Enter');
    await thread(page).locator('li[data-private="true"]', { hasText: 'Address change' }).waitFor();
    // Alt+M, reply.
    await page.keyboard.press('Alt+M');
    await page.keyboard.type('Yes — which address should we use?');
    await page.keyboard.press('Control+Enter');
    await thread(page).locator('li.msg-out[data-private="false"]', { hasText: 'which address' }).waitFor();
    // Alt+A assigns to me, Alt+R resolves (and leaves the not-resolved list), Alt+R again reopens.
    await page.keyboard.press('Alt+A');
    await page.getByRole('list', { name: 'Assignees' }).getByText(ADMIN.name).waitFor();
    // Alt+R asks for a close reason and a note; Enter resolves (the Resolve button has the focus).
    await page.keyboard.press('Alt+R');
    await page.getByRole('dialog', { name: /Resolve #/ }).getByRole('button', { name: 'Resolve' }).and(page.locator(':focus')).waitFor();
    await page.keyboard.press('Enter');
    await textIs(page, '[data-testid=thread-status]', 'Resolved');
    await row(page, 'Alan Turing').waitFor({ state: 'detached' });
    await page.keyboard.press('Alt+R');
    await textIs(page, '[data-testid=thread-status]', 'Open');
    await row(page, 'Alan Turing').waitFor();
    // Alt+2 shows Mine.
    await page.keyboard.press('Alt+2');
    await page.locator('.view-btn[aria-current=true]', { hasText: 'Mine' }).waitFor();
    await row(page, 'Alan Turing').waitFor();
    await page.keyboard.press('Alt+3');
    await page.locator('.view-btn[aria-current=true]', { hasText: 'Unassigned' }).waitFor();
    await row(page, 'Ada Lovelace').waitFor();
    assert.equal(await row(page, 'Alan Turing').count(), 0, 'Alan is assigned, so not in Unassigned');
    await page.keyboard.press('Alt+1');
    await page.locator('.view-btn[aria-current=true]', { hasText: 'All' }).waitFor();
    await checkScreen(page, '10-keyboard');
  });

  step('reconnects after the server restarts and catches up', async () => {
    const page = pageA;
    await page.locator('.conn[data-state=open]').waitFor();
    await server.stop();
    await page.locator('.conn[data-state=reconnecting]').waitFor();
    await page.getByText('Connection lost. Reconnecting…').waitFor();
    await checkScreen(page, '11-reconnecting');
    await server.start();
    await page.locator('.conn[data-state=open]').waitFor({ timeout: 20_000 });
    await customerSays('Alan Turing', 'The new address is 1 Bletchley Park.');
    await thread(page).getByText('The new address is 1 Bletchley Park.').waitFor();
    await row(pageB, 'Alan Turing').getByText('1 Bletchley Park').waitFor({ timeout: 20_000 });
  });

  step('loads long lists by cursor with a capped DOM, and long threads lazily', async () => {
    // 130 conversations (3 pages of 50) and one 130-message thread.
    const bulk = Array.from({ length: 130 }, (_, i) => i);
    for (let i = 0; i < bulk.length; i += 10) {
      await Promise.all(bulk.slice(i, i + 10).map((n) => customerSays(`Bulk Customer ${String(n).padStart(3, '0')}`, `Bulk message ${n}`)));
    }
    // One after another, so that the thread's order is known.
    for (let i = 0; i < 130; i++) {
      await admin.inbound(inboundToken, { sourceId: 'long-thread', name: 'Long Thread', content: `Long message ${i}`, id: `long-${i}` });
    }
    const page = pageB;
    await page.reload();
    await list(page).waitFor();
    const lb = list(page);
    await textIs(page, '[data-testid=count-all]', String(3 + 130 + 1));
    await page.locator('.conn[data-state=open]').waitFor();
    await textIs(page, '.list-status', '50+ shown');
    // Scroll to the end repeatedly: pages load as the end comes into view.
    for (let i = 0; i < 10; i++) {
      const status = await page.locator('.list-status').textContent();
      if (status.trim() === '134 shown') break;
      const next = page.waitForResponse((r) => r.url().includes('/conversations?') && r.url().includes('cursor='));
      await lb.evaluate((el) => {
        el.scrollTo(0, el.scrollHeight - el.clientHeight - 1);
        el.scrollTo(0, el.scrollHeight);
      });
      await next;
      await page.waitForFunction(() => !/Loading/.test(document.querySelector('.list-status')?.textContent ?? ''));
    }
    await textIs(page, '.list-status', '134 shown');
    const domRows = await lb.getByRole('option').count();
    assert.ok(domRows <= 60, `${domRows} rows in the DOM for 134 conversations`);
    // Every loaded row is searchable, though few are in the DOM.
    await page.keyboard.press('/');
    await page.keyboard.type('Bulk Customer 000');
    await row(page, 'Bulk Customer 000').waitFor();
    await page.keyboard.press('Escape');

    await page.keyboard.press('/');
    await page.keyboard.type('Long Thread');
    await page.keyboard.press('Enter');
    await thread(page).getByText('Long message 129').waitFor();
    assert.ok((await thread(page).locator('li.msg').count()) <= 50, 'only the newest page at first');
    const messages = page.getByRole('region', { name: 'Messages' });
    const start = page.getByText('This is the start of the conversation.');
    for (let i = 0; i < 8 && !(await start.count()); i++) {
      const older = page.waitForResponse((r) => r.url().includes('/messages?') && r.url().includes('cursor='));
      await messages.evaluate((el) => el.scrollTo(0, 0));
      await older;
      await page.waitForFunction(() => !document.querySelector('.older .muted'));
    }
    await start.waitFor();
    const texts = await thread(page).locator('li.msg .bubble').allTextContents();
    assert.deepEqual(texts, Array.from({ length: 130 }, (_, i) => `Long message ${i}`), 'the whole thread, in order');
  });

  step('10,000 conversations scroll smoothly with a capped DOM', async () => {
    // The list endpoint is answered in the browser with synthetic pages, so the
    // test measures the app's windowing, not how fast 10,000 rows can be seeded.
    const page = await pageB.context().newPage();
    page.problems = [];
    page.on('pageerror', (err) => page.problems.push(err.message));
    const total = 10_000;
    const pageSize = 2_000;
    const base = Date.parse('2026-01-01T00:00:00Z');
    const item = (i) => ({
      id: `synthetic-${i}`,
      number: 100000 + i,
      status: 'open',
      snoozed_until: null,
      priority: 'none',
      contact: { id: `sc-${i}`, name: `Synthetic Customer ${i}`, avatar_url: '' },
      contact_id: `sc-${i}`,
      inbox: { id: 'si', name: 'Synthetic', channel: ['whatsapp', 'sms', 'email', 'telegram', 'messenger', 'webchat'][i % 6] },
      inbox_id: 'si',
      assignee_ids: [],
      team_id: '',
      visible_to: null,
      ai_mode: i % 7 === 0 ? 'active' : 'manual',
      tags: [],
      labels: [],
      subject: '',
      unread_count: i % 5 === 0 ? (i % 13) + 1 : 0,
      unreplied_count: 0,
      pinned: false,
      last_activity_at: new Date(base - i * 60_000).toISOString(),
      created_at: new Date(base - i * 60_000).toISOString(),
      last_message: { content: `Question number ${i} about an order`, direction: 'in', sender_kind: 'contact', channel: 'sms', private: false, created_at: new Date(base - i * 60_000).toISOString() },
    });
    await page.route(
      (url) => /\/api\/v1\/workspaces\/[^/]+\/conversations$/.test(url.pathname),
      (route) => {
        const u = new URL(route.request().url());
        const from = Number(u.searchParams.get('cursor') || 0);
        const to = Math.min(total, from + pageSize);
        const items = Array.from({ length: to - from }, (_, k) => item(from + k));
        route.fulfill({ json: { items, next_cursor: to < total ? String(to) : '' } });
      },
    );
    await page.goto('/');
    const lb = list(page);
    await row(page, 'Synthetic Customer 0(?!\\d)').waitFor();
    for (let i = 0; i < 10; i++) {
      if ((await page.locator('.list-status').textContent()).trim() === `${total} shown`) break;
      const next = page.waitForResponse((r) => r.url().includes('/conversations?') && r.url().includes('cursor='));
      await lb.evaluate((el) => {
        el.scrollTo(0, el.scrollHeight - el.clientHeight - 1);
        el.scrollTo(0, el.scrollHeight);
      });
      await next;
      await page.waitForFunction(() => !/Loading/.test(document.querySelector('.list-status')?.textContent ?? ''));
    }
    await textIs(page, '.list-status', `${total} shown`);
    await lb.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await row(page, 'Synthetic Customer 9999(?!\\d)').waitFor();

    // Scroll from the bottom to the top in 200 animation frames, 50 rows a frame.
    const stats = await lb.evaluate(async (el) => {
      const frames = [];
      let maxRows = 0;
      let last = performance.now();
      for (let f = 0; f < 200; f++) {
        el.scrollTop = Math.max(0, el.scrollTop - 68 * 50);
        await new Promise((r) => requestAnimationFrame(r));
        const now = performance.now();
        frames.push(now - last);
        last = now;
        maxRows = Math.max(maxRows, el.querySelectorAll('[role=option]').length);
      }
      frames.sort((a, b) => a - b);
      return { median: frames[100], p95: frames[190], max: frames[199], maxRows, top: el.scrollTop };
    });
    console.log(`10,000 rows: frame median ${stats.median.toFixed(1)} ms, p95 ${stats.p95.toFixed(1)} ms, max ${stats.max.toFixed(1)} ms, at most ${stats.maxRows} rows in the DOM`);
    assert.ok(stats.maxRows <= 60, `${stats.maxRows} rows in the DOM`);
    assert.ok(stats.median < 50, `median frame ${stats.median} ms`);
    assert.ok(stats.p95 < 120, `p95 frame ${stats.p95} ms`);
    // The keyboard walks the whole list too.
    await lb.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await lb.getAttribute('aria-activedescendant'), 'conv-synthetic-1');
    assert.deepEqual(page.problems, []);
    await page.close();
  });

  step('profile: name, avatar URL, availability and password', async () => {
    const page = pageB;
    await page.getByRole('link', { name: /Bo Agent/ }).click();
    await page.waitForURL('**/profile');
    await page.getByRole('heading', { name: 'Your profile' }).waitFor();
    await checkScreen(page, '12-profile');
    await page.getByLabel('Name', { exact: true }).fill('Bo B. Agent');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Profile saved.').waitFor();
    await page.getByRole('link', { name: /Bo B\. Agent/ }).waitFor();
    await page.getByRole('radio', { name: 'Busy' }).check();
    await page.getByText('Availability updated.').waitFor();
    const members = await admin.req('GET', `/workspaces/${admin.ws}/users`);
    const bo = members.items.find((m) => m.email === AGENT.email);
    assert.equal(bo.name, 'Bo B. Agent');
    assert.equal(bo.availability, 'busy');

    await page.getByLabel('Current password').fill(AGENT.password);
    await page.getByLabel('New password').fill('a brand new password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText(/Password changed/).waitFor();
    await new Api(server.url).login(AGENT.email, 'a brand new password');
    assert.deepEqual(pageA.problems, [], 'no CSP violation or page error in the admin browser');
  });
});
