// Business hours in Chromium: the admin turns business hours on with
// today as a holiday (so the workspace is closed now) and an away message;
// a customer's message over the API channel gets the away message in the
// thread once, and their second message gets no other.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { steps } from '../lib/steps.mjs';
import { checkScreen, launch, newPage, screenshot, signIn } from '../lib/browser.mjs';
import { startWorkspace } from '../lib/server.mjs';

const ADMIN = { name: 'Ada Admin', email: 'ada@example.com', password: 'correct horse battery' };
const AWAY = 'Thanks for writing! We are closed today and will answer tomorrow.';

let stack;
let server;
let browser;
let admin;
let inboundToken;
let inboxId;
let page;

const thread = (p) => p.getByRole('list', { name: 'Conversation history' });
const awayMessages = (p) => thread(p).locator('li[data-kind="bot"]');

async function customerSays(content) {
  return admin.inbound(inboundToken, { sourceId: 'grace', name: 'Grace Hopper', content });
}

const step = steps(async () => {
  if (page && !page.isClosed()) await screenshot(page, 'FAILED-hours').catch(() => {});
  console.error(`server log (tail):\n${server?.log.slice(-4000)}`);
});

describe('business hours in Chromium', { timeout: 170_000 }, () => {
  before(async () => {
    stack = await startWorkspace(ADMIN);
    ({ server, admin } = stack);
    inboundToken = stack.inbox.inbound_token;
    inboxId = stack.inbox.id;
    browser = await launch();
    page = await newPage(browser, server.url);
    await signIn(page, ADMIN);
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  step('the admin sets business hours that are closed now, with an away message', async () => {
    await page.goto('/settings/hours');
    await page.getByRole('heading', { name: 'Business hours', level: 2 }).waitFor();
    await page.getByRole('checkbox', { name: /Use business hours/ }).check();
    await page.getByLabel('Time zone').selectOption('UTC');
    // Open around the clock on Mondays, 9 to 5 other weekdays…
    await page.getByLabel('Monday interval 1 start').fill('00:00');
    await page.getByLabel('Monday interval 1 end').fill('00:00');
    // …but today (UTC) is a holiday.
    await page.getByRole('button', { name: 'Add a holiday' }).click();
    const today = new Date().toISOString().slice(0, 10);
    await page.getByLabel('Holiday 1 date').fill(today);
    await page.getByLabel('Holiday 1 name').fill('Team day');
    await page.getByRole('checkbox', { name: /Send an away message/ }).check();
    await page.getByLabel('Away message', { exact: true }).fill(AWAY);
    await page.getByRole('button', { name: 'Save business hours' }).click();
    await page.getByText('Business hours saved.').waitFor();
    const h = await admin.req('GET', `/workspaces/${admin.ws}/business-hours`);
    assert.equal(h.enabled, true);
    assert.deepEqual(h.week.mon, [{ start: '00:00', end: '24:00' }]);
    assert.deepEqual(h.holidays, [{ date: today, name: 'Team day' }]);
    assert.equal(h.away_message, AWAY);
    await checkScreen(page, 'hours-settings');
  });

  step('an overlapping interval is refused, naming it', async () => {
    await page.getByRole('button', { name: 'Add hours on Tuesday' }).click();
    await page.getByLabel('Tuesday interval 2 start').fill('16:00');
    await page.getByLabel('Tuesday interval 2 end').fill('18:00');
    await page.getByRole('button', { name: 'Save business hours' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.textContent(), /overlaps/);
    await page.getByRole('button', { name: 'Remove Tuesday interval 2' }).click();
    await page.getByRole('button', { name: 'Save business hours' }).click();
    await page.getByText('Business hours saved.').waitFor();
  });

  step('the inbox inherits the workspace’s hours on its settings page', async () => {
    await page.goto(`/settings/inboxes/${inboxId}`);
    const region = page.getByRole('region', { name: 'Business hours' });
    await region.getByRole('radio', { name: /The workspace’s business hours/ }).waitFor();
    assert.equal(await region.getByRole('radio', { name: /The workspace’s business hours/ }).isChecked(), true);
  });

  step('a customer message off-hours gets the away message once', async () => {
    await page.goto('/');
    await page.getByRole('navigation', { name: 'Views' }).waitFor();
    await customerSays('Hello, is anyone there?');
    await page.getByRole('listbox', { name: 'Conversations' }).getByRole('option', { name: /Grace Hopper/ }).click();
    await awayMessages(page).first().getByText(AWAY).waitFor();
    assert.equal(await awayMessages(page).count(), 1);
    await checkScreen(page, 'hours-away-message');

    await customerSays('Hello again?');
    await thread(page).getByText('Hello again?').waitFor();
    // The away message is decided in the same transaction that stores the
    // customer's message: once it shows, there is nothing more to wait for.
    assert.equal(await awayMessages(page).count(), 1);
    const c = (await admin.req('GET', `/workspaces/${admin.ws}/conversations`)).items[0];
    assert.equal(c.unreplied_count, 2);
  });
});
