// The composer's message constructor in Chromium (issue 15, seed 001): an
// image with its caption and a link whose preview the server fetched, built
// for an API-channel conversation, sent and seen in the thread as the
// messages the channel takes; an unfinished constructor message kept over a
// reload with its indicator next to the customer's name; "You are typing…"
// in another tab of yourself; label edits through the add/remove endpoint.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe } from 'node:test';
import { steps } from '../lib/steps.mjs';
import { checkA11y, launch, newPage, screenshot, signIn } from '../lib/browser.mjs';
import { startWorkspace } from '../lib/server.mjs';

const ADMIN = { name: 'Ada Admin', email: 'ada@example.com', password: 'correct horse battery' };
// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

let stack;
let server;
let browser;
let admin;
let ada;
let tab2;
let convId;
let page;
let pageURL;

const list = (p) => p.getByRole('listbox', { name: 'Conversations' });
const row = (p, name) => list(p).getByRole('option', { name: new RegExp(name) });

async function messages() {
  const r = await admin.req('GET', `/workspaces/${admin.ws}/conversations/${convId}/messages`);
  return r.items;
}

const step = steps(async () => {
  for (const [p, n] of [
    [ada, 'FAILED-constructor-ada'],
    [tab2, 'FAILED-constructor-tab2'],
  ]) {
    if (p && !p.isClosed()) await screenshot(p, n).catch(() => {});
  }
  console.error('page problems:', ada?.problems, tab2?.problems);
  console.error(`server log (tail):\n${server?.log.slice(-2000)}`);
});

describe('message constructor in Chromium', { timeout: 200_000 }, () => {
  before(async () => {
    // The page whose preview the server fetches (loopback, allowed for this server).
    page = http.createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<html><head><title>fallback</title><meta property="og:title" content="Grey sofa"><meta property="og:description" content="Three seats, washable covers"></head><body><script>alert(1)</script></body></html>');
    });
    await new Promise((r) => page.listen(0, '127.0.0.1', r));
    pageURL = `http://127.0.0.1:${page.address().port}/sofa`;
    stack = await startWorkspace(ADMIN, { env: { PARLEY_ALLOW_PRIVATE_ADDRESSES: '127.0.0.1/32' } });
    ({ server, admin } = stack);
    const { inbox } = stack;
    const r = await admin.inbound(inbox.inbound_token, { sourceId: 'carla', name: 'Carla Customer', content: 'Do you have sofas?' });
    convId = r.conversation_id;
    await admin.inbound(inbox.inbound_token, { sourceId: 'dan', name: 'Dan Other', content: 'Hello' });
    browser = await launch();
    ada = await newPage(browser, server.url);
    await signIn(ada, ADMIN);
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
    page?.close();
  });

  step('an image with a caption and a previewed link are built and sent as the channel takes them', async () => {
    await row(ada, 'Carla Customer').click();
    await ada.getByRole('button', { name: 'Constructor' }).click();
    const ctor = ada.getByRole('region', { name: 'Message constructor' });
    await ctor.getByRole('button', { name: '+ Image' }).click();
    await ctor.getByLabel('File of block 1').setInputFiles({ name: 'sofa.png', mimeType: 'image/png', buffer: PNG });
    await ctor.getByText('File: sofa.png').waitFor();
    await ctor.getByLabel('Caption of block 1').fill('Our grey sofa');
    await ctor.getByRole('button', { name: '+ Link' }).click();
    const link = ctor.getByLabel('Link of block 2');
    await link.fill(pageURL);
    await link.press('Enter');
    const card = ctor.getByTestId('link-card');
    await card.getByText('Grey sofa').waitFor();
    await card.getByText('Three seats, washable covers').waitFor();
    await checkA11y(ada, 'message constructor');
    await screenshot(ada, 'constructor-built');
    // Keyboard: the link goes first, then back.
    await ctor.getByRole('button', { name: 'Move block 2 up' }).focus();
    await ada.keyboard.press('Enter');
    await ctor.getByRole('group', { name: 'Block 1: Link' }).waitFor();
    await ctor.getByRole('button', { name: 'Move block 2 up' }).press('Enter');
    await ctor.getByRole('group', { name: 'Block 1: Image' }).waitFor();
    await ctor.getByRole('button', { name: 'Send message' }).click();
    await ctor.getByRole('status').filter({ hasText: 'Sent as 2 messages.' }).waitFor();
    const history = ada.getByRole('list', { name: 'Conversation history' });
    await history.getByText('Our grey sofa').waitFor();
    await history.getByText(pageURL).waitFor();
    const out = (await messages()).filter((m) => m.direction === 'out');
    assert.deepEqual(
      out.map((m) => [m.content, m.attachments.map((a) => a.file_name)]),
      [
        ['Our grey sofa', ['sofa.png']],
        [`Grey sofa\n${pageURL}`, []],
      ],
    );
  });

  step('an unfinished constructor message is kept over a reload, with its indicator by the name', async () => {
    await row(ada, 'Dan Other').click();
    await ada.getByRole('button', { name: 'Constructor' }).click();
    const ctor = ada.getByRole('region', { name: 'Message constructor' });
    await ctor.getByRole('button', { name: '+ Text' }).click();
    await ctor.getByLabel('Text of block 1').fill('Half-written offer');
    await row(ada, 'Dan Other').getByLabel('Unsent constructor message').waitFor();
    await ada.reload();
    await row(ada, 'Dan Other').getByLabel('Unsent constructor message').waitFor();
    assert.equal(await row(ada, 'Carla Customer').getByLabel('Unsent constructor message').count(), 0);
    await row(ada, 'Dan Other').click();
    await ada.getByRole('button', { name: 'Constructor' }).click();
    const again = ada.getByRole('region', { name: 'Message constructor' });
    assert.equal(await again.getByLabel('Text of block 1').inputValue(), 'Half-written offer');
    // Removing the last block discards it, and the indicator goes.
    await again.getByRole('button', { name: 'Remove block 1' }).click();
    await row(ada, 'Dan Other').getByLabel('Unsent constructor message').waitFor({ state: 'detached' });
  });

  step('"You are typing…" shows in another tab of yourself', async () => {
    tab2 = await ada.context().newPage();
    tab2.problems = [];
    await tab2.goto('/');
    await tab2.getByRole('navigation', { name: 'Views' }).waitFor();
    await row(tab2, 'Carla Customer').click();
    await row(ada, 'Carla Customer').click();
    // Each tab's socket must be up before the typing signal goes.
    await tab2.getByRole('list', { name: 'Conversation history' }).waitFor();
    const box = ada.getByRole('textbox', { name: 'Reply' });
    await box.click();
    await box.pressSequentially('Hello', { delay: 30 });
    await tab2.locator('.typing').getByText('You are typing…').waitFor({ timeout: 15_000 });
  });

  step('labels added from the details panel use the add/remove endpoint', async () => {
    await row(ada, 'Carla Customer').click();
    const details = ada.getByRole('complementary', { name: 'Details' });
    const sent = ada.waitForRequest((r) => r.method() === 'PATCH' && r.url().endsWith(`/conversations/${convId}/labels`));
    // A colleague's concurrent label (through the API) is not overwritten.
    await admin.req('PATCH', `/workspaces/${admin.ws}/conversations/${convId}/labels`, { add: ['Colleague'] });
    await details.getByRole('combobox', { name: 'Add a label' }).fill('Sofa lead');
    await details.getByRole('combobox', { name: 'Add a label' }).press('Enter');
    const req = await sent;
    assert.deepEqual(req.postDataJSON(), { add: ['Sofa lead'], remove: [] });
    await details.getByRole('list', { name: 'Conversation labels' }).getByText('Sofa lead').waitFor();
    const c = await admin.req('GET', `/workspaces/${admin.ws}/conversations/${convId}`);
    assert.deepEqual([...c.labels].sort(), ['Colleague', 'Sofa lead']);
  });
});
