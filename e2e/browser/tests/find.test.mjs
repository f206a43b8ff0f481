// Finding conversations in Chromium: the views with live counts, the filter
// builder (channel and tag), a saved filter found again after a reload, the
// server's search landing on a message far back in a thread, in-thread
// search with highlights, and the dashboard's tiles opening their views.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe } from 'node:test';
import { steps } from '../lib/steps.mjs';
import { launch, newPage, screenshot } from '../lib/browser.mjs';
import { Api, buildServer, makeTempDir, Server } from '../lib/server.mjs';

const ADMIN = { name: 'Ada Admin', email: 'ada@example.com', password: 'correct horse battery' };
const TWILIO_SID = 'AC0123456789abcdef0123456789abcdef';
const TWILIO_TOKEN = 'f00dfeedf00dfeedf00dfeedf00dfeed';

let tmp;
let server;
let browser;
let admin;
let apiInbox;
let smsInbox;
let page;
let longId; // the conversation with a long history
let needleId; // the message the search finds, far back in it

const list = (p) => p.getByRole('listbox', { name: 'Conversations' });
const row = (p, name) => list(p).getByRole('option', { name: new RegExp(name) });
const views = (p) => p.getByRole('navigation', { name: 'Views' });
const count = (p, view) => p.getByTestId('count-' + view);

function customerSays(name, content) {
  const sourceId = name.toLowerCase().replace(/\W+/g, '-');
  return admin.inbound(apiInbox.inbound_token, { sourceId, name, content });
}

/** smsSays posts a signed Twilio webhook, as Twilio does for an inbound SMS. */
async function smsSays(from, content) {
  const form = new URLSearchParams({ MessageSid: 'SM' + crypto.randomBytes(16).toString('hex'), AccountSid: TWILIO_SID, From: from, To: '+14155550100', Body: content, NumMedia: '0' });
  const keys = [...new Set(form.keys())].sort();
  let data = smsInbox.config.webhook_url;
  for (const k of keys) for (const v of form.getAll(k).sort()) data += k + v;
  const sig = crypto.createHmac('sha1', TWILIO_TOKEN).update(data).digest('base64');
  const res = await fetch(smsInbox.config.webhook_url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': sig },
    body: form.toString(),
  });
  assert.ok(res.ok, `twilio webhook: ${res.status} ${await res.text()}`);
}

async function convOf(name) {
  const l = await admin.req('GET', `/workspaces/${admin.ws}/conversations?status=queued,open,pending,snoozed,resolved`);
  const c = l.items.find((x) => x.contact.name === name);
  assert.ok(c, `no conversation with ${name}`);
  return c;
}

async function until(fn, what) {
  for (let i = 0; i < 100; i++) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail('timed out waiting for ' + what);
}

const step = steps(async () => {
  if (page && !page.isClosed()) await screenshot(page, 'FAILED-find').catch(() => {});
  console.error(`server log (tail):\n${server?.log.slice(-4000)}`);
});

describe('views, filters, saved filters, search and dashboard in Chromium', { timeout: 240_000 }, () => {
  before(async () => {
    tmp = await makeTempDir();
    const bin = process.env.PARLEY_BIN || (await buildServer(tmp.dir));
    server = await Server.create(bin, tmp.dir);
    await server.start();
    const token = await server.setupToken();
    await new Api(server.url).req('POST', '/setup', { token, workspace_name: 'Acme Support', ...ADMIN });
    admin = await new Api(server.url).login(ADMIN.email, ADMIN.password);
    admin.ws = (await admin.req('GET', '/me')).workspaces[0].id;
    apiInbox = await admin.req('POST', `/workspaces/${admin.ws}/inboxes`, { name: 'Website API', channel: 'api', config: {} });
    smsInbox = await admin.req('POST', `/workspaces/${admin.ws}/inboxes`, {
      name: 'SMS',
      channel: 'twilio_sms',
      config: { account_sid: TWILIO_SID, auth_token: TWILIO_TOKEN, phone_number: '+1 415 555 0100' },
    });
    await customerSays('Grace Hopper', 'Where is my order?');
    await customerSays('Alan Turing', 'Can I change my plan?');
    await smsSays('+14155552671', 'Hello from my phone');
    const grace = await convOf('Grace Hopper');
    await admin.req('PATCH', `/workspaces/${admin.ws}/conversations/${grace.id}`, { tags: ['vip'] });
    const sms = (await admin.req('GET', `/workspaces/${admin.ws}/conversations`)).items.find((c) => c.inbox?.channel === 'twilio_sms' || c.inbox_id === smsInbox.id);
    assert.ok(sms, 'the SMS conversation exists');
    await admin.req('PATCH', `/workspaces/${admin.ws}/conversations/${sms.id}`, { tags: ['vip'] });
    // A long thread: the one message with the rare word is far behind the first page.
    await customerSays('Linus Long', 'My zebracrossing parcel never came');
    for (let i = 0; i < 64; i++) await customerSays('Linus Long', `Follow-up ${i}: still waiting for the parcel`);
    const linus = await convOf('Linus Long');
    longId = linus.id;
    let all = [];
    let cursor = '';
    do {
      const pg = await admin.req('GET', `/workspaces/${admin.ws}/conversations/${longId}/messages?limit=200${cursor ? '&cursor=' + cursor : ''}`);
      all = all.concat(pg.items);
      cursor = pg.next_cursor;
    } while (cursor);
    needleId = all.find((m) => m.content.includes('zebracrossing')).id;
    browser = await launch();
    page = await newPage(browser, server.url);
    await page.goto('/');
    await page.waitForURL('**/login');
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByLabel('Password').press('Enter');
    await views(page).waitFor();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await tmp?.cleanup();
  });

  step('every view shows its count; a count changes live when a message arrives', async () => {
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    for (const v of ['all', 'mine', 'unassigned', 'queued', 'team', 'pinned', 'important', 'unread', 'unread_team', 'unreplied', 'read_no_reply', 'client_responded', 'waiting_client', 'handoff', 'appointments', 'dialogs', 'closed']) {
      await count(page, v).filter({ hasText: /^\d+$/ }).waitFor();
    }
    await count(page, 'all').filter({ hasText: /^4$/ }).waitFor();
    const unreplied = Number(await count(page, 'unreplied').textContent());
    // The Unreplied view is listed by the server, and the address says so.
    await views(page).getByRole('button', { name: /^Unreplied/ }).click();
    await page.waitForURL(/view=unreplied/);
    await row(page, 'Alan Turing').waitFor();
    await customerSays('Katherine Johnson', 'Is anyone there?');
    await count(page, 'all').filter({ hasText: /^5$/ }).waitFor();
    await count(page, 'unreplied').filter({ hasText: new RegExp(`^${unreplied + 1}$`) }).waitFor();
    await row(page, 'Katherine Johnson').waitFor();
    await views(page).getByRole('button', { name: /^All/ }).click();
    await page.waitForURL((u) => !u.search.includes('view='));
  });

  step('filter by channel and tag; the filter is in the address', async () => {
    await page.getByLabel('Channel').selectOption('twilio_sms');
    await until(async () => (await list(page).getByRole('option').count()) === 1, 'one SMS conversation');
    await row(page, '4155552671|Unknown|\\+1').first().waitFor();
    await page.getByLabel('Channel').selectOption('');
    await page.getByRole('button', { name: 'More' }).click();
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Condition 1 field').selectOption('tag');
    await page.getByLabel('Condition 1 value').fill('vip');
    await until(async () => (await list(page).getByRole('option').count()) === 2, 'two vip conversations');
    await page.getByLabel('Channel').selectOption('api');
    await until(async () => (await list(page).getByRole('option').count()) === 1, 'one vip conversation on the API');
    await row(page, 'Grace Hopper').waitFor();
    const u = new URL(page.url());
    const f = JSON.parse(u.searchParams.get('filter'));
    assert.deepEqual(f.conditions, [
      { field: 'channel', op: 'eq', value: 'api' },
      { field: 'tag', op: 'eq', value: 'vip' },
    ]);
    await page.locator('.list-status', { hasText: 'of 1 matching' }).waitFor();
  });

  step('a bad condition shows the server\'s 422 beside it', async () => {
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Condition 2 field').selectOption('attribute');
    await page.getByLabel('Condition 2 attribute').fill('bad key!');
    await page.getByLabel('Condition 2 value').fill('x');
    const err = page.locator('[data-testid=filter-row]').nth(1).getByRole('alert');
    await err.filter({ hasText: /attribute key/ }).waitFor();
    await page.getByRole('button', { name: 'Remove condition 2' }).click();
    await err.waitFor({ state: 'detached' });
    await row(page, 'Grace Hopper').waitFor();
  });

  step('save the filter, find it after a reload with its count, and apply it', async () => {
    await page.getByRole('button', { name: 'Save filter…' }).click();
    await page.getByLabel('Filter name').fill('VIP on the web');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const saved = page.getByRole('region', { name: 'Saved filters' });
    await saved.getByTestId('saved-count-VIP on the web').filter({ hasText: /^1$/ }).waitFor();
    await page.waitForURL(/saved=/);
    // Clear, reload: the saved filter is still there and brings the filter back.
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await until(async () => (await list(page).getByRole('option').count()) === 5, 'the whole list');
    await page.reload();
    await saved.getByRole('button', { name: /VIP on the web/ }).click();
    await until(async () => (await list(page).getByRole('option').count()) === 1, 'the saved filter applied');
    await row(page, 'Grace Hopper').waitFor();
    assert.equal(await page.getByLabel('Channel').inputValue(), 'api');
    // Duplicate and rename it.
    await saved.getByLabel('Actions for VIP on the web').click();
    await saved.getByRole('button', { name: 'Duplicate' }).click();
    await saved.getByRole('button', { name: /VIP on the web \(copy\)/ }).waitFor();
    await saved.getByLabel('Actions for VIP on the web (copy)').click();
    await saved.getByRole('button', { name: 'Rename' }).click();
    await saved.getByLabel('New name').fill('Web VIPs');
    await saved.getByLabel('New name').press('Enter');
    await saved.getByRole('button', { name: /Web VIPs/ }).waitFor();
    page.once('dialog', (d) => d.accept());
    await saved.getByLabel('Actions for Web VIPs').click();
    await saved.getByRole('button', { name: 'Delete' }).click();
    await saved.getByRole('button', { name: /Web VIPs/ }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await until(async () => (await list(page).getByRole('option').count()) === 5, 'the whole list again');
  });

  step('search a word from a message and land on it, far back in the thread', async () => {
    const search = page.getByRole('searchbox', { name: 'Search conversations' });
    await search.fill('zebracrossing');
    const hit = list(page).getByRole('option', { name: /Linus Long/ });
    await hit.locator('mark', { hasText: /zebracrossing/i }).waitFor();
    await hit.click();
    await page.waitForURL(new RegExp(`/conversations/${longId}\\?.*msg=${needleId}`));
    const target = page.locator(`li[data-message-id="${needleId}"][data-find-hit]`);
    await target.waitFor();
    await until(() => target.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const box = el.closest('.messages').getBoundingClientRect();
      return r.top >= box.top && r.bottom <= box.bottom + 1;
    }), 'the hit in view');
    await screenshot(page, 'find-search-hit');
    await search.fill('');
  });

  step('in-thread search highlights the matches and steps with Enter / Shift+Enter', async () => {
    await page.getByRole('button', { name: 'Find in conversation' }).click();
    const box = page.getByRole('searchbox', { name: 'Find in conversation' });
    await box.fill('parcel');
    const status = page.locator('.thread-search-count');
    await status.filter({ hasText: /^1 of 65$/ }).waitFor();
    await until(() => page.evaluate(() => (globalThis.CSS?.highlights?.get('find-match')?.size ?? 0) > 0), 'highlighted matches');
    await until(() => page.evaluate(() => (globalThis.CSS?.highlights?.get('find-current')?.size ?? 0) === 1), 'the current match');
    await box.press('Enter');
    await status.filter({ hasText: /^2 of 65$/ }).waitFor();
    await box.press('Shift+Enter');
    await box.press('Shift+Enter');
    // Back from the newest wraps to the oldest: the zebracrossing message, paged in.
    await status.filter({ hasText: /^65 of 65$/ }).waitFor();
    await page.locator(`li[data-message-id="${needleId}"][data-find-hit]`).waitFor();
    await screenshot(page, 'find-in-thread');
    await box.press('Escape');
  });

  step('the dashboard shows its tiles live, and a tile opens its view', async () => {
    await page.goto('/dashboard');
    const group = page.getByRole('region', { name: 'For the group' });
    const unassigned = group.getByTestId('tile-unassigned');
    await unassigned.locator('.tile-value').filter({ hasText: /^\d+$/ }).waitFor();
    const before = Number(await unassigned.locator('.tile-value').textContent());
    await customerSays('Dorothy Vaughan', 'New question');
    await unassigned.locator('.tile-value').filter({ hasText: new RegExp(`^${before + 1}$`) }).waitFor();
    await screenshot(page, 'find-dashboard');
    await unassigned.click();
    await page.waitForURL(/\/\?view=unassigned$/);
    await page.locator('.view-btn[aria-current=true]', { hasText: 'Unassigned' }).waitFor();
    await row(page, 'Dorothy Vaughan').waitFor();
  });
});
