// Teamwork in Chromium (issue 15): a canned reply inserted with "/" and sent
// with its variables filled; a colleague mentioned in a note is notified
// live in a second browser; an internal chat between two people.
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
let admin;
let inboundToken;
let ada; // Ada's page
let bo; // Bo's page, in another browser context
let convId;

const list = (p) => p.getByRole('listbox', { name: 'Conversations' });
const row = (p, name) => list(p).getByRole('option', { name: new RegExp(name) });

async function signIn(p, who) {
  await p.goto('/');
  await p.waitForURL('**/login');
  await p.getByLabel('Email').fill(who.email);
  await p.getByLabel('Password').fill(who.password);
  await p.getByLabel('Password').press('Enter');
  await p.getByRole('navigation', { name: 'Views' }).waitFor();
}

async function messages() {
  const r = await admin.req('GET', `/workspaces/${admin.ws}/conversations/${convId}/messages`);
  return r.items;
}

async function waitUntil(cond, what) {
  // Polls the REST API for a state the page has no event for; the page itself is awaited with locators.
  for (let i = 0; i < 100; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail('timed out waiting for ' + what);
}

const step = steps(async () => {
  for (const [p, n] of [
    [ada, 'FAILED-collab-ada'],
    [bo, 'FAILED-collab-bo'],
  ]) {
    if (p && !p.isClosed()) await screenshot(p, n).catch(() => {});
  }
  console.error('page problems:', ada?.problems, bo?.problems);
  console.error(`server log (tail):\n${server?.log.slice(-2000)}`);
});

describe('teamwork in Chromium', { timeout: 170_000 }, () => {
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
    await admin.invite(admin.ws, AGENT);
    await admin.req('POST', `/workspaces/${admin.ws}/canned-replies`, {
      short_code: 'hi',
      title: 'Greeting',
      category: 'Openers',
      shared: true,
      body: "Hi {{first_name}}, I'm {{agent_name}}. Is {{email}} the right address?",
    });
    const r = await admin.inbound(inboundToken, { sourceId: 'carla', name: 'Carla Customer', content: 'Where is my parcel?' });
    convId = r.conversation_id;
    browser = await launch();
    ada = await newPage(browser, server.url);
    bo = await newPage(browser, server.url);
    await signIn(ada, ADMIN);
    await signIn(bo, AGENT);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await tmp?.cleanup();
  });

  step('a canned reply inserted with "/" is filled from the contact and sent once the missing variable is filled in', async () => {
    await row(ada, 'Carla Customer').click();
    const box = ada.getByRole('textbox', { name: 'Reply' });
    await box.click();
    await box.pressSequentially('/hi');
    await ada.getByRole('listbox', { name: 'Canned replies' }).getByRole('option', { name: /Greeting/ }).waitFor();
    await box.press('Enter');
    const filled = "Hi Carla, I'm Ada Admin. Is {{email}} the right address?";
    await ada.waitForFunction((want) => document.querySelector('textarea[aria-label="Reply"]')?.value === want, filled);
    await ada.getByTestId('canned-missing').getByText('{{email}}').waitFor();
    // Sending with {{email}} still written is held back.
    await box.press('Control+Enter');
    await ada.getByRole('alert').filter({ hasText: 'Fill in {{email}}' }).waitFor();
    await box.fill("Hi Carla, I'm Ada Admin. Is carla@example.com the right address?");
    await box.press('Control+Enter');
    await ada.getByRole('list', { name: 'Conversation history' }).getByText('Is carla@example.com the right address?').waitFor();
    const sent = (await messages()).at(-1);
    assert.equal(sent.content, "Hi Carla, I'm Ada Admin. Is carla@example.com the right address?");
    assert.equal(sent.private, false);
  });

  step('a colleague mentioned in a note is notified live in their own browser', async () => {
    await ada.getByRole('button', { name: 'Private note' }).click();
    const note = ada.getByRole('textbox', { name: 'Private note' });
    await note.click();
    await note.pressSequentially('Please check the address @Bo');
    await ada.getByRole('listbox', { name: 'Mention a colleague' }).getByRole('option', { name: '@Bo Agent' }).click();
    await ada.waitForFunction(() => document.querySelector('textarea[aria-label="Private note"]')?.value === 'Please check the address @Bo Agent ');
    await note.press('Control+Enter');
    // The app's one notification toast (the bell's), as for every other kind.
    const toast = bo.getByTestId('notification-toast').filter({ hasText: 'Ada Admin mentioned you in #1: Please check the address @Bo Agent' });
    await toast.waitFor();
    const stored = (await messages()).at(-1);
    assert.deepEqual(stored.mention_ids.length, 1);
    await ada.getByRole('list', { name: 'Conversation history' }).getByText('Mentioned: @Bo Agent').waitFor();
    // The notification opens the conversation.
    await toast.getByRole('button', { name: 'Open' }).click();
    await bo.waitForURL('**/conversations/' + convId);
  });

  step('adding a colleague with a comment shows the line in the thread and notifies them', async () => {
    await bo.getByRole('button', { name: 'Add colleague' }).click();
    const dialog = bo.getByRole('dialog', { name: 'Add colleagues' });
    await dialog.getByRole('checkbox', { name: 'Ada Admin' }).check();
    await dialog.getByRole('textbox', { name: 'Comment' }).fill('Can you approve a refund?');
    await dialog.getByRole('button', { name: 'Add' }).click();
    await dialog.waitFor({ state: 'detached' });
    await bo.getByText('Bo Agent added Ada Admin to the conversation: “Can you approve a refund?”').waitFor();
    await ada.getByTestId('notification-toast').filter({ hasText: 'Bo Agent added you to #1: Can you approve a refund?' }).waitFor();
    await ada.getByText('Bo Agent added Ada Admin to the conversation').waitFor();
    // Kept in the bell's count too, like every notification.
    await ada.getByTestId('bell-count').waitFor();
  });

  step('an internal chat between two people, live both ways with an unread count', async () => {
    const internalA = ada.getByRole('region', { name: 'Internal' });
    await internalA.getByRole('button', { name: 'New chat' }).click();
    await internalA.getByRole('list', { name: 'Chat with' }).getByRole('button', { name: 'Bo Agent' }).click();
    const panelA = ada.getByRole('dialog', { name: 'Internal chat with Bo Agent' });
    await panelA.getByRole('textbox', { name: 'Internal message' }).fill('Lunch at noon?');
    await panelA.getByRole('button', { name: 'Send' }).click();
    await panelA.getByRole('list', { name: 'Messages' }).getByText('Lunch at noon?').waitFor();

    const internalB = bo.getByRole('region', { name: 'Internal' });
    const item = internalB.getByRole('button', { name: /Ada Admin/ });
    await item.getByLabel('1 unread').waitFor();
    await item.click();
    const panelB = bo.getByRole('dialog', { name: 'Internal chat with Ada Admin' });
    await panelB.getByText('Lunch at noon?').waitFor();
    await item.getByLabel('1 unread').waitFor({ state: 'detached' });
    await panelB.getByRole('textbox', { name: 'Internal message' }).fill('Sure, see you there');
    await panelB.getByRole('textbox', { name: 'Internal message' }).press('Control+Enter');
    await panelA.getByText('Sure, see you there').waitFor();
    await screenshot(ada, 'collab-internal-chat');
    // The admin reads nothing of other people's chats: the chat is Ada's own here, so check Bo's unread state on the server.
    const bosApi = await new Api(server.url).login(AGENT.email, AGENT.password);
    await waitUntil(async () => {
      const chats = await bosApi.req('GET', `/workspaces/${admin.ws}/internal-chats`);
      return chats.items.length === 1 && chats.items[0].unread_count === 0;
    }, "Bo's chat to be read");
    assert.deepEqual(ada.problems, []);
    assert.deepEqual(bo.problems, []);
  });
});
