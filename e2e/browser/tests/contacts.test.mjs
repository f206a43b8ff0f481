// Contacts in Chromium against the real server: the large client card opens
// over a conversation with Ctrl+Shift+S and closes with Esc, an attribute is
// edited in place, the contact is blocked there, and their next message
// opens no conversation; the Contacts screen finds them by phone in another
// format.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { steps } from '../lib/steps.mjs';
import { checkScreen, launch, newPage, screenshot } from '../lib/browser.mjs';
import { startStack } from '../lib/stack.mjs';

const ADMIN = { name: 'Cleo Admin', email: 'cleo@example.com', password: 'contact card battery' };

let stack;
let server;
let browser;
let page;
let admin;
let apiInbox;
let contactId;

const list = (p) => p.getByRole('listbox', { name: 'Conversations' });
const thread = (p) => p.getByRole('list', { name: 'Conversation history' });
const card = (p) => p.getByRole('dialog', { name: /Mia Blocked|Client card/ });

const step = steps(async () => {
  if (page && !page.isClosed()) await screenshot(page, 'FAILED-contacts').catch(() => {});
  console.error(`server log (tail):\n${server?.log.slice(-4000)}`);
});

describe('contacts in Chromium', { timeout: 120_000 }, () => {
  before(async () => {
    stack = await startStack(ADMIN);
    ({ server, admin } = stack);
    apiInbox = await admin.req('POST', `/workspaces/${admin.ws}/inboxes`, { name: 'Website API', channel: 'api', config: {} });
    await admin.req('POST', `/workspaces/${admin.ws}/contact-attributes`, { key: 'plan', label: 'Plan', type: 'list', options: ['free', 'pro'] });
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  step('Ctrl+Shift+S opens the large client card over the conversation; an attribute is edited in place', async () => {
    page = await newPage(browser, server.url);
    await page.goto('/');
    await page.waitForURL('**/login');
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('navigation', { name: 'Views' }).waitFor();

    const res = await admin.inbound(apiInbox.inbound_token, { sourceId: 'mia', name: 'Mia Blocked', content: 'Hello, I have a question' });
    const conv = await admin.req('GET', `/workspaces/${admin.ws}/conversations/${res.conversation_id}`);
    contactId = conv.contact_id;
    await admin.req('PATCH', `/workspaces/${admin.ws}/contacts/${contactId}`, { phone: '+14155552671' });
    await list(page).getByRole('option', { name: /Mia Blocked/ }).click();
    await thread(page).getByText('Hello, I have a question').waitFor();

    await page.keyboard.press('Control+Shift+S');
    const dialog = page.getByRole('dialog', { name: 'Mia Blocked' });
    await dialog.waitFor();
    await dialog.getByLabel('Plan').waitFor();
    const saved = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().includes(`/contacts/${contactId}`) && r.ok());
    await dialog.getByLabel('Plan').selectOption('pro');
    await saved;
    const c = await admin.req('GET', `/workspaces/${admin.ws}/contacts/${contactId}`);
    assert.equal(c.attributes.plan, 'pro', 'the attribute is saved');
    await checkScreen(page, '60-large-client-card');
  });

  step('blocks the contact from the card; Esc closes the card and leaves the conversation open', async () => {
    const dialog = page.getByRole('dialog', { name: 'Mia Blocked' });
    const blocked = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().includes(`/contacts/${contactId}`) && r.ok());
    await dialog.getByRole('button', { name: 'Block' }).click();
    await blocked;
    await dialog.getByRole('button', { name: 'Unblock' }).waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await thread(page).getByText('Hello, I have a question').waitFor();
    const c = await admin.req('GET', `/workspaces/${admin.ws}/contacts/${contactId}`);
    assert.equal(c.blocked, true);
  });

  step("the blocked contact's next message opens no conversation; an unblocked customer's does", async () => {
    const held = await admin.inbound(apiInbox.inbound_token, { sourceId: 'mia', name: 'Mia Blocked', content: 'Message while blocked' });
    assert.ok(held.message_id, 'the message is stored');
    // Events are delivered in order: once the next customer's conversation
    // shows, anything the blocked message had announced would be there too.
    await admin.inbound(apiInbox.inbound_token, { sourceId: 'noah', name: 'Noah Next', content: 'Hi from Noah' });
    await list(page).getByRole('option', { name: /Noah Next/ }).waitFor();
    assert.equal(await list(page).getByRole('option', { name: /Mia Blocked/ }).count(), 1, 'still one conversation of Mia');
    assert.equal(await list(page).getByText('Message while blocked').count(), 0, 'the blocked message is in no list');
    assert.equal(await thread(page).getByText('Message while blocked').count(), 0, 'nor in the open thread');
    const history = await admin.req('GET', `/workspaces/${admin.ws}/contacts/${contactId}/conversations`);
    assert.ok(history.items.some((x) => x.blocked), "it is kept in the contact's history");
  });

  step('the Contacts screen finds the contact by phone in another format and shows the card', async () => {
    await page.getByRole('link', { name: 'Contacts' }).click();
    await page.waitForURL('**/contacts');
    await page.getByLabel('Search contacts').fill('(415) 555-2671');
    const item = page.getByRole('list', { name: 'Contacts' }).getByRole('link', { name: /Mia Blocked/ });
    await item.waitFor();
    // The search answers only Mia (Noah, in the unfiltered list, goes).
    await page.waitForFunction(() => document.querySelectorAll('ul[aria-label="Contacts"] a').length === 1);
    assert.equal(await page.getByRole('list', { name: 'Contacts' }).getByRole('link', { name: /Noah Next/ }).count(), 0);
    await item.click();
    await page.waitForURL(`**/contacts/${contactId}`);
    await page.getByRole('complementary', { name: 'Client card' }).getByRole('button', { name: 'Unblock' }).waitFor();
    await checkScreen(page, '61-contacts-screen');
  });
});
