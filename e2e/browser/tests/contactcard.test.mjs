// The client card's sections about the person in Chromium: a task and a
// note are added on the large card (Ctrl+Shift+S), and the admin sets the
// contact's presets there; the contact's next conversation then arrives
// assigned to the preset agent.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { steps } from '../lib/steps.mjs';
import { launch, newPage, screenshot } from '../lib/browser.mjs';
import { startStack } from '../lib/stack.mjs';

const ADMIN = { name: 'Pia Admin', email: 'pia@example.com', password: 'contact card extras' };

let stack;
let server;
let browser;
let page;
let admin;
let adminId;
let apiInbox;
let contactId;
let firstConv;

const list = (p) => p.getByRole('listbox', { name: 'Conversations' });
const card = (p) => p.getByRole('dialog', { name: 'Noa Preset' });

const step = steps(async () => {
  if (page && !page.isClosed()) await screenshot(page, 'FAILED-contactcard').catch(() => {});
  console.error(`server log (tail):\n${server?.log.slice(-4000)}`);
});

describe('client card extras in Chromium', { timeout: 120_000 }, () => {
  before(async () => {
    stack = await startStack(ADMIN);
    ({ server, admin } = stack);
    const me = await admin.req('GET', '/me');
    adminId = me.id ?? me.user?.id;
    apiInbox = await admin.req('POST', `/workspaces/${admin.ws}/inboxes`, { name: 'Website API', channel: 'api', config: {} });
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  step('the large card takes a task and a note about the person', async () => {
    page = await newPage(browser, server.url);
    await page.goto('/');
    await page.waitForURL('**/login');
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('navigation', { name: 'Views' }).waitFor();

    const res = await admin.inbound(apiInbox.inbound_token, { sourceId: 'noa', name: 'Noa Preset', content: 'Hi there' });
    firstConv = res.conversation_id;
    contactId = (await admin.req('GET', `/workspaces/${admin.ws}/conversations/${firstConv}`)).contact_id;
    await list(page).getByRole('option', { name: /Noa Preset/ }).click();
    await page.getByRole('list', { name: 'Conversation history' }).getByText('Hi there').waitFor();
    await page.keyboard.press('Control+Shift+S');
    const dialog = card(page);
    await dialog.waitFor();

    await dialog.getByLabel('New task').fill('Call back about the invoice');
    await dialog.getByRole('button', { name: 'Add task' }).click();
    await dialog.getByRole('list', { name: 'Tasks' }).getByText('Call back about the invoice').waitFor();

    await dialog.getByLabel('New note about the person').fill('Prefers WhatsApp over email');
    await dialog.getByRole('button', { name: 'Add note' }).click();
    await dialog.getByRole('list', { name: 'Notes' }).getByText('Prefers WhatsApp over email').waitFor();

    const notes = await admin.req('GET', `/workspaces/${admin.ws}/contacts/${contactId}/notes`);
    assert.equal(notes.items[0].body, 'Prefers WhatsApp over email');
    const tasks = await admin.req('GET', `/workspaces/${admin.ws}/tasks?contact_id=${contactId}`);
    assert.equal(tasks.items[0].title, 'Call back about the invoice');
  });

  step('the admin sets presets on the card; the next conversation arrives assigned', async () => {
    const dialog = card(page);
    await dialog.getByRole('button', { name: 'Edit presets' }).click();
    const form = dialog.getByRole('form', { name: 'Edit presets' });
    await form.getByRole('group', { name: 'Default assignees' }).getByLabel(ADMIN.name).check();
    await form.getByLabel('Only the people chosen (and the assignees)').check();
    await form.getByRole('button', { name: 'Save presets' }).click();
    await dialog.getByText(`Assigned to: ${ADMIN.name}`).waitFor();
    await dialog.getByText(`Visible to: ${ADMIN.name}`).waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    await admin.req('PATCH', `/workspaces/${admin.ws}/conversations/${firstConv}`, { status: 'resolved' });
    const res = await admin.inbound(apiInbox.inbound_token, { sourceId: 'noa', name: 'Noa Preset', content: 'Me again' });
    assert.notEqual(res.conversation_id, firstConv);
    const conv = await admin.req('GET', `/workspaces/${admin.ws}/conversations/${res.conversation_id}`);
    assert.deepEqual(conv.assignee_ids, [adminId]);
    assert.deepEqual(conv.visible_to, [adminId]);
  });
});
