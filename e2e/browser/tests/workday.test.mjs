// The working day in Chromium, two agents in two browser contexts: a
// conversation routed to the online, connected agent appears in their Mine
// view live; accept from the queue (Alt+Y); transfer with a note to a
// colleague who sees it arrive; resolve with a close reason (Alt+R); the
// system lines of each step in the thread.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { steps } from '../lib/steps.mjs';
import { checkA11y, launch, newPage, screenshot } from '../lib/browser.mjs';
import { Api, buildServer, makeTempDir, Server } from '../lib/server.mjs';

const ADMIN = { name: 'Ada Admin', email: 'ada@example.com', password: 'correct horse battery' };
const BO = { name: 'Bo Agent', email: 'bo@example.com', password: 'staple battery horse' };
const CY = { name: 'Cy Colleague', email: 'cy@example.com', password: 'battery staple horse' };

let tmp;
let server;
let browser;
let admin;
let boId;
let cyId;
let inboundToken;
let bo; // Bo's page
let cy; // Cy's page

const list = (p) => p.getByRole('listbox', { name: 'Conversations' });
const row = (p, name) => list(p).getByRole('option', { name: new RegExp(name) });
const views = (p) => p.getByRole('navigation', { name: 'Views' });
const history = (p) => p.getByRole('list', { name: 'Conversation history' });
const systemLine = (p, text) => history(p).locator('li[data-kind="system"]', { hasText: text });

function customerSays(name, content) {
  return admin.inbound(inboundToken, { sourceId: name.toLowerCase().replace(/\W+/g, '-'), name, content });
}

async function convOf(name) {
  const l = await admin.req('GET', `/workspaces/${admin.ws}/conversations?status=queued,open,pending,snoozed,resolved,abandoned`);
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
  await views(p).waitFor();
  await p.getByRole('status').filter({ hasText: 'Live' }).waitFor();
}

/**
 * connected waits until the server counts the user as connected: the hub
 * records presence shortly after the socket opens and no event says so, so
 * GET …/agents is asked again until it does (bounded).
 */
async function connected(uid) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const r = await admin.req('GET', `/workspaces/${admin.ws}/agents`);
    if (r.items.find((a) => a.user_id === uid)?.connected) return;
    if (Date.now() > deadline) throw new Error(`user ${uid} never counted as connected: ${JSON.stringify(r.items)}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

const step = steps(async () => {
  for (const [p, n] of [
    [bo, 'FAILED-workday-bo'],
    [cy, 'FAILED-workday-cy'],
  ])
    if (p && !p.isClosed()) await screenshot(p, n).catch(() => {});
  console.error(`server log (tail):\n${server?.log.slice(-4000)}`);
});

describe('the working day in Chromium', { timeout: 180_000 }, () => {
  before(async () => {
    tmp = await makeTempDir();
    const bin = process.env.PARLEY_BIN || (await buildServer(tmp.dir));
    server = await Server.create(bin, tmp.dir);
    await server.start();
    const token = await server.setupToken();
    await new Api(server.url).req('POST', '/setup', { token, workspace_name: 'Acme Support', ...ADMIN });
    admin = await new Api(server.url).login(ADMIN.email, ADMIN.password);
    admin.ws = (await admin.req('GET', '/me')).workspaces[0].id;
    boId = await admin.invite(admin.ws, BO);
    cyId = await admin.invite(admin.ws, CY);
    const team = await admin.req('POST', `/workspaces/${admin.ws}/teams`, { name: 'Support' });
    await admin.req('PATCH', `/workspaces/${admin.ws}/teams/${team.id}`, { member_ids: [boId, cyId], routing_policy: 'round_robin' });
    const inbox = await admin.req('POST', `/workspaces/${admin.ws}/inboxes`, { name: 'Website API', channel: 'api', config: {} });
    await admin.req('PATCH', `/workspaces/${admin.ws}/inboxes/${inbox.id}`, { team_id: team.id });
    inboundToken = inbox.inbound_token;
    // Bo is online; Cy is offline (not routed to) until the transfer step.
    await admin.req('PATCH', `/workspaces/${admin.ws}/users/${boId}`, { availability: 'online' });
    browser = await launch();
    bo = await newPage(browser, server.url);
    cy = await newPage(browser, server.url);
    await signIn(bo, BO);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await tmp?.cleanup();
  });

  step('a conversation routed to the online, connected agent appears in their Mine view live, with a routed line', async () => {
    await connected(boId);
    await views(bo).getByRole('button', { name: /^Mine/ }).click();
    await customerSays('Grace Hopper', 'I would like a quote');
    await row(bo, 'Grace Hopper').waitFor();
    const c = await convOf('Grace Hopper');
    assert.deepEqual(c.assignee_ids, [boId]);
    assert.equal(c.status, 'open');
    await row(bo, 'Grace Hopper').click();
    await systemLine(bo, 'Routed to Bo Agent').waitFor();
  });

  step('the Queued view counts a waiting conversation and Alt+Y accepts it', async () => {
    // Nobody qualifies while Bo is busy: the next conversation waits in the queue.
    await admin.req('PATCH', `/workspaces/${admin.ws}/users/${boId}`, { availability: 'busy' });
    await customerSays('Linus Torvalds', 'My invoice is wrong');
    const queued = views(bo).getByRole('button', { name: /^Queued/ });
    await queued.click();
    await row(bo, 'Linus Torvalds').waitFor();
    await bo.getByTestId('count-queued').filter({ hasText: '1' }).waitFor();
    assert.equal((await convOf('Linus Torvalds')).status, 'queued');
    await row(bo, 'Linus Torvalds').click();
    await bo.getByRole('button', { name: 'Accept' }).waitFor();
    await bo.keyboard.press('Alt+KeyY');
    await bo.getByTestId('thread-status').filter({ hasText: 'Open' }).waitFor();
    await systemLine(bo, 'Bo Agent accepted the conversation').waitFor();
    // Accepted, it leaves the queue.
    await row(bo, 'Linus Torvalds').waitFor({ state: 'detached' });
    await bo.getByTestId('count-queued').filter({ hasText: '0' }).waitFor();
    const c = await convOf('Linus Torvalds');
    assert.equal(c.status, 'open');
    assert.deepEqual(c.assignee_ids, [boId]);
  });

  step('transfer with a note: the colleague sees it arrive in Mine, with the note in the thread', async () => {
    await admin.req('PATCH', `/workspaces/${admin.ws}/users/${cyId}`, { availability: 'online' });
    await signIn(cy, CY);
    await views(cy).getByRole('button', { name: /^Mine/ }).click();
    await bo.getByRole('button', { name: 'Transfer…' }).click();
    const dialog = bo.getByRole('dialog', { name: /Transfer #/ });
    const choice = dialog.getByRole('radio', { name: /Cy Colleague/ });
    await choice.waitFor();
    // Each agent with availability, presence and load.
    const label = dialog.locator('label').filter({ has: bo.getByRole('radio', { name: /Cy Colleague/ }) });
    await label.getByText(/Online · (connected|away)/).waitFor();
    await label.getByText(/^\d+( \/ \d+)?$/).waitFor();
    await checkA11y(bo, 'workday-transfer');
    await screenshot(bo, 'workday-transfer');
    await choice.check();
    await dialog.getByLabel(/Note for the colleague/).fill('Invoice 42 is doubled, please refund');
    await dialog.getByRole('button', { name: 'Transfer' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row(cy, 'Linus Torvalds').waitFor();
    await row(cy, 'Linus Torvalds').click();
    await systemLine(cy, 'transferred the conversation').getByText('Invoice 42 is doubled, please refund').waitFor();
    assert.deepEqual((await convOf('Linus Torvalds')).assignee_ids, [cyId]);
  });

  step('resolve with a close reason (Alt+R): the status, the reason and the resolved line', async () => {
    await cy.getByRole('region', { name: 'Messages' }).click();
    await cy.keyboard.press('Alt+KeyR');
    const dialog = cy.getByRole('dialog', { name: /Resolve #/ });
    await dialog.getByRole('option', { name: 'Not interested' }).waitFor({ state: 'attached' });
    await dialog.getByLabel('Close reason').selectOption('Not interested');
    await dialog.getByLabel('Resolution note').fill('Refunded, customer left');
    await dialog.getByRole('button', { name: 'Resolve' }).click();
    await dialog.waitFor({ state: 'detached' });
    await cy.getByTestId('thread-status').filter({ hasText: 'Resolved' }).waitFor();
    await systemLine(cy, 'resolved the conversation').getByText('Not interested').waitFor();
    const c = await admin.req('GET', `/workspaces/${admin.ws}/conversations/${(await convOf('Linus Torvalds')).id}`);
    assert.equal(c.status, 'resolved');
    assert.equal(c.close_reason, 'Not interested');
    assert.equal(c.resolution_note, 'Refunded, customer left');
    await checkA11y(cy, 'workday-resolved');
    await screenshot(cy, 'workday-resolved');
    assert.deepEqual(bo.problems, [], 'problems on Bo’s page');
    assert.deepEqual(cy.problems, [], 'problems on Cy’s page');
  });

  step('reopen, then a payment request blocks resolving (the 409 names it) until it is paid', async () => {
    await cy.getByRole('button', { name: 'Reopen' }).click();
    await cy.getByTestId('thread-status').filter({ hasText: 'Open' }).waitFor();
    await systemLine(cy, 'Cy Colleague reopened the conversation').waitFor();
    const pay = cy.getByRole('region', { name: 'Payment requests' });
    await pay.getByRole('button', { name: 'New payment request…' }).click();
    await pay.getByLabel('Amount').fill('12.50');
    await pay.getByLabel('Currency').fill('EUR');
    await pay.getByLabel('Description').fill('Refund fee');
    await pay.getByRole('button', { name: 'Request payment' }).click();
    await pay.getByRole('list', { name: 'Payment requests' }).getByText('Refund fee').waitFor();
    await cy.getByRole('button', { name: 'Resolve…' }).click();
    const dialog = cy.getByRole('dialog', { name: /Resolve #/ });
    await dialog.getByRole('button', { name: 'Resolve' }).click();
    const refusal = await dialog.getByRole('alert').textContent();
    assert.match(refusal, /Refund fee|payment/i);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await pay.getByRole('button', { name: 'Mark paid' }).click();
    await pay.getByText('paid', { exact: true }).waitFor();
    await cy.getByRole('button', { name: 'Resolve…' }).click();
    await dialog.getByRole('button', { name: 'Resolve' }).click();
    await dialog.waitFor({ state: 'detached' });
    await cy.getByTestId('thread-status').filter({ hasText: 'Resolved' }).waitFor();
    await cy.keyboard.press('Alt+KeyR');
    await cy.getByTestId('thread-status').filter({ hasText: 'Open' }).waitFor();
  });

  step('a draft is kept on the server: the pencil on the row, the text after a reload', async () => {
    await cy.getByRole('textbox', { name: 'Reply' }).fill('Half-written answer');
    await row(cy, 'Linus Torvalds').getByLabel('Draft').waitFor();
    await cy.reload();
    await cy.getByRole('textbox', { name: 'Reply' }).waitFor();
    await cy.waitForFunction(() => document.querySelector('textarea[aria-label="Reply"]')?.value === 'Half-written answer');
    await row(cy, 'Linus Torvalds').getByLabel('Draft').waitFor();
  });

  step('New chat (Alt+C) with a contact on one of their channels, then Merge (Alt+G) into the first conversation', async () => {
    await cy.keyboard.press('Alt+KeyC');
    const dialog = cy.getByRole('dialog', { name: 'New chat' });
    await dialog.getByLabel('Contact', { exact: true }).fill('Linus');
    await dialog.getByRole('button', { name: /Linus Torvalds/ }).click();
    await dialog.getByLabel('Channel', { exact: true }).waitFor();
    await dialog.getByLabel('Message', { exact: true }).fill('Following up on your invoice');
    await dialog.getByRole('button', { name: 'Start chat' }).click();
    await dialog.waitFor({ state: 'detached' });
    await history(cy).getByText('Following up on your invoice').waitFor();
    const first = (await convOf('Linus Torvalds')).number;
    const title = await cy.locator('.thread-title .muted').first().textContent();
    assert.notEqual(title, '#2', 'New chat did not open a new conversation');
    await cy.getByRole('region', { name: 'Messages' }).click();
    await cy.keyboard.press('Alt+KeyG');
    const merge = cy.getByRole('dialog', { name: /Merge #/ });
    await merge.getByRole('radio', { name: /#2/ }).check();
    await merge.getByRole('button', { name: 'Merge' }).click();
    await merge.waitFor({ state: 'detached' });
    await cy.locator('.thread-title .muted').filter({ hasText: '#2' }).waitFor();
    await systemLine(cy, 'merged conversation').waitFor();
    assert.ok(first);
  });

  step('admin screens: routing policy per team, lifecycle settings, the audit log', async () => {
    const ad = await newPage(browser, server.url);
    await signIn(ad, ADMIN);
    await ad.goto('/settings/teams');
    const routing = ad.getByLabel('Routing of Support');
    assert.equal(await routing.inputValue(), 'round_robin');
    await routing.selectOption('least_busy');
    await ad.getByText(/Support now routes: Least busy/).waitFor();
    await ad.goto('/settings/workspace');
    await ad.getByLabel(/Auto-resolve after/).fill('48');
    await ad.getByLabel(/Close reasons/).fill('Resolved\nNot interested\nDuplicate');
    await ad.getByRole('button', { name: 'Save settings' }).click();
    await ad.getByText('Workspace settings saved.').waitFor();
    const w = await admin.req('GET', `/workspaces/${admin.ws}`);
    assert.equal(w.settings.lifecycle.auto_resolve_hours, 48);
    assert.deepEqual(w.settings.lifecycle.close_reasons, ['Resolved', 'Not interested', 'Duplicate']);
    await ad.goto('/settings/audit');
    await ad.getByRole('heading', { name: 'Audit log', level: 2 }).waitFor();
    await ad.locator('.audit-table tbody tr').first().waitFor();
    await checkA11y(ad, 'workday-audit');
    await screenshot(ad, 'workday-audit');
    assert.deepEqual(ad.problems, [], 'problems on the admin page');
  });
});
