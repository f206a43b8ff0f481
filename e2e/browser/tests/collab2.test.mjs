// The composer's missing half and the list's quick actions in Chromium
// (issue 15): an emoji inserted from the picker by keyboard and sent; a
// label added by right-click on a list row, the row then highlighted in the
// label's colour; canned replies created, edited and deleted on their own
// screen; the Participating list; a voice message recorded with Chromium's
// fake microphone (hold to record, release to send) and played inline.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { steps } from '../lib/steps.mjs';
import { checkA11y, launch, newPage, screenshot } from '../lib/browser.mjs';
import { Api, buildServer, makeTempDir, Server } from '../lib/server.mjs';

const ADMIN = { name: 'Ada Admin', email: 'ada@example.com', password: 'correct horse battery' };
const AGENT = { name: 'Bo Agent', email: 'bo@example.com', password: 'staple battery horse' };

let tmp;
let server;
let browser;
let admin;
let inboundToken;
let ada;
let bo;
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

const step = steps(async () => {
  for (const [p, n] of [
    [ada, 'FAILED-collab2-ada'],
    [bo, 'FAILED-collab2-bo'],
  ]) {
    if (p && !p.isClosed()) await screenshot(p, n).catch(() => {});
  }
  console.error('page problems:', ada?.problems, bo?.problems);
  console.error(`server log (tail):\n${server?.log.slice(-2000)}`);
});

describe('composer and list quick actions in Chromium', { timeout: 200_000 }, () => {
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
    await admin.req('POST', `/workspaces/${admin.ws}/labels`, { name: 'VIP', color: '#dc2626' });
    await admin.req('POST', `/workspaces/${admin.ws}/labels`, { name: 'Follow-up', color: '#3b82f6' });
    const r = await admin.inbound(inboundToken, { sourceId: 'carla', name: 'Carla Customer', content: 'Where is my parcel?' });
    convId = r.conversation_id;
    await admin.inbound(inboundToken, { sourceId: 'dan', name: 'Dan Other', content: 'Hello' });
    browser = await launch(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
    ada = await newPage(browser, server.url);
    bo = await newPage(browser, server.url);
    await ada.context().grantPermissions(['microphone']);
    await signIn(ada, ADMIN);
    await signIn(bo, AGENT);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await tmp?.cleanup();
  });

  step('an emoji is found by name, inserted at the caret with the keyboard and sent', async () => {
    await row(ada, 'Carla Customer').click();
    const box = ada.getByRole('textbox', { name: 'Reply' });
    await box.fill('Thanks ');
    await ada.getByRole('button', { name: 'Insert emoji' }).click();
    const picker = ada.getByRole('dialog', { name: 'Emoji' });
    const search = picker.getByRole('searchbox', { name: 'Search emoji' });
    await search.pressSequentially('thumbs up');
    await picker.getByRole('gridcell', { name: 'thumbs up' }).waitFor();
    await search.press('ArrowDown');
    await ada.keyboard.press('Enter');
    await ada.waitForFunction(() => document.querySelector('textarea[aria-label="Reply"]')?.value === 'Thanks 👍');
    await checkA11y(ada, 'emoji picker');
    await ada.keyboard.press('Escape');
    await picker.waitFor({ state: 'detached' });
    // Esc gives the focus back to the text, where the next key goes.
    await ada.keyboard.type('!');
    await ada.waitForFunction(() => document.querySelector('textarea[aria-label="Reply"]')?.value === 'Thanks 👍!');
    await box.press('Control+Enter');
    await ada.getByRole('list', { name: 'Conversation history' }).getByText('Thanks 👍!').waitFor();
    assert.equal((await messages()).at(-1).content, 'Thanks 👍!');
  });

  step('a label added by right-click on a row colours the row, for the colleague too', async () => {
    await row(ada, 'Dan Other').click({ button: 'right' });
    const menu = ada.getByRole('menu', { name: /with Dan Other/ });
    await menu.getByRole('menuitemcheckbox', { name: 'VIP' }).click();
    await menu.getByRole('menuitemcheckbox', { name: 'VIP', checked: true }).waitFor();
    await checkA11y(ada, 'row menu');
    await screenshot(ada, 'collab2-row-menu');
    await ada.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    const dan = row(ada, 'Dan Other');
    await dan.and(ada.locator('[data-label-colour="#dc2626"]')).waitFor();
    await dan.getByLabel('Labels: VIP').waitFor();
    // Bo's list follows live.
    await row(bo, 'Dan Other').and(bo.locator('[data-label-colour="#dc2626"]')).waitFor();
    // Keyboard: Shift+F10 on the active row opens the menu; the label comes off again.
    await row(ada, 'Dan Other').click();
    await list(ada).focus();
    await ada.keyboard.press('Shift+F10');
    const again = ada.getByRole('menu', { name: /with Dan Other/ });
    await again.getByRole('menuitemcheckbox', { name: 'VIP', checked: true }).click();
    await again.getByRole('menuitemcheckbox', { name: 'VIP', checked: false }).waitFor();
    await ada.keyboard.press('Escape');
    await row(ada, 'Dan Other').and(ada.locator(':not([data-label-colour])')).waitFor();
    const c = await admin.req('GET', `/workspaces/${admin.ws}/conversations/${(await row(ada, 'Dan Other').getAttribute('data-id'))}`);
    assert.deepEqual(c.labels, []);
  });

  step('labels and tags are added and removed in the details panel', async () => {
    await row(ada, 'Carla Customer').click();
    const details = ada.getByRole('complementary', { name: 'Details' });
    await details.getByRole('combobox', { name: 'Add a label' }).fill('Follow-up');
    await details.getByRole('combobox', { name: 'Add a label' }).press('Enter');
    await details.getByRole('list', { name: 'Conversation labels' }).getByText('Follow-up').waitFor();
    await row(ada, 'Carla Customer').and(ada.locator('[data-label-colour="#3b82f6"]')).waitFor();
    await details.getByRole('combobox', { name: 'Add a tag' }).fill('parcel');
    await details.getByRole('combobox', { name: 'Add a tag' }).press('Enter');
    await details.getByRole('button', { name: 'Remove tag parcel' }).click();
    await details.getByRole('button', { name: 'Remove tag parcel' }).waitFor({ state: 'detached' });
    const c = await admin.req('GET', `/workspaces/${admin.ws}/conversations/${convId}`);
    assert.deepEqual(c.labels, ['Follow-up']);
    assert.deepEqual(c.tags, []);
  });

  step('canned replies are created, edited and deleted on their screen, variables inserted by click', async () => {
    await bo.goto('/settings/canned');
    const page = bo.getByRole('region', { name: 'Canned replies' });
    await page.getByRole('button', { name: 'New canned reply' }).click();
    const form = bo.getByRole('form', { name: 'New canned reply' });
    await form.getByLabel('Short code').fill('late');
    await form.getByLabel('Title').fill('Parcel late');
    await form.getByLabel('Category').fill('Delivery');
    await form.getByLabel('Text').fill('Sorry ');
    const v = form.getByRole('button', { name: '{{first_name}}' });
    assert.equal(await v.getAttribute('title'), 'Short form of contact.first_name');
    await v.click();
    await form.getByLabel('Text').press('End');
    await form.getByLabel('Text').pressSequentially(', it is on its way.');
    // An agent's reply is personal: sharing is for admins.
    assert.equal(await form.getByRole('checkbox', { name: /Shared with the workspace/ }).isDisabled(), true);
    await checkA11y(bo, 'canned replies');
    await form.getByRole('button', { name: 'Add' }).click();
    const item = page.getByRole('list', { name: 'Delivery' }).getByRole('listitem').filter({ hasText: '/late' });
    await item.getByText('Sorry {{first_name}}, it is on its way.').waitFor();
    await item.getByText('Personal').waitFor();
    await item.getByRole('button', { name: 'Edit /late' }).click();
    const edit = bo.getByRole('form', { name: 'Edit canned reply' });
    await edit.getByLabel('Title').fill('Parcel delayed');
    await edit.getByRole('button', { name: 'Save' }).click();
    await item.getByText('Parcel delayed').waitFor();
    await screenshot(bo, 'collab2-canned');
    // Used in the composer with "/".
    await bo.goto('/conversations/' + convId);
    const box = bo.getByRole('textbox', { name: 'Reply' });
    await box.click();
    await box.pressSequentially('/late');
    await bo.getByRole('listbox', { name: 'Canned replies' }).getByRole('option', { name: /Parcel delayed/ }).waitFor();
    await box.press('Escape');
    await box.fill('');
    await bo.goto('/settings/canned');
    const item2 = bo.getByRole('region', { name: 'Canned replies' }).getByRole('listitem').filter({ hasText: '/late' });
    await item2.getByRole('button', { name: 'Delete /late' }).click();
    await item2.getByRole('button', { name: 'Yes, delete' }).click();
    await item2.waitFor({ state: 'detached' });
    const left = await new Api(server.url).login(AGENT.email, AGENT.password).then((a) => a.req('GET', `/workspaces/${admin.ws}/canned-replies`));
    assert.deepEqual(left.items, []);
  });

  step('a voice message is recorded while the button is held, sent on release and played inline', async () => {
    await ada.goto('/conversations/' + convId);
    const mic = ada.getByRole('button', { name: 'Hold to record a voice message' });
    const before = (await messages()).length;
    const box = await mic.boundingBox();
    await ada.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await ada.mouse.down();
    await ada.getByRole('button', { name: 'Recording: release to send' }).waitFor();
    await ada.getByText(/Recording 0:0[1-9]/).waitFor();
    await ada.mouse.up();
    const voiceMsg = ada.getByRole('list', { name: 'Conversation history' }).getByTestId('attachment-audio').last();
    await voiceMsg.and(ada.locator('[data-voice="true"]')).waitFor();
    const sent = (await messages()).at(-1);
    assert.equal((await messages()).length, before + 1);
    assert.equal(sent.attachments.length, 1);
    assert.equal(sent.attachments[0].content_type, 'audio/ogg');
    assert.equal(sent.attachments[0].voice, true);
    // The browser plays it: the Ogg/Opus the server made has a duration.
    const duration = await voiceMsg.locator('audio').evaluate(
      (a) =>
        new Promise((ok, fail) => {
          if (a.readyState >= 1) return ok(a.duration);
          a.addEventListener('loadedmetadata', () => ok(a.duration), { once: true });
          a.addEventListener('error', () => fail(new Error('audio error ' + a.error?.code)), { once: true });
          a.load();
        }),
    );
    assert.ok(duration > 0.5 && duration < 30, `duration ${duration}`);
    await screenshot(ada, 'collab2-voice');
  });

  step('a colleague added with a comment finds the conversation under Participating', async () => {
    await bo.goto('/');
    await bo.getByRole('navigation', { name: 'Views' }).waitFor();
    await ada.getByRole('button', { name: 'Add colleague' }).click();
    const dialog = ada.getByRole('dialog', { name: 'Add colleagues' });
    await dialog.getByRole('checkbox', { name: 'Bo Agent' }).check();
    await dialog.getByRole('textbox', { name: 'Comment' }).fill('Please follow this one');
    await dialog.getByRole('button', { name: 'Add' }).click();
    const part = bo.getByRole('region', { name: 'Participating' });
    await part.getByRole('button', { name: 'Carla Customer · #1' }).click();
    await bo.waitForURL('**/conversations/' + convId);
    assert.deepEqual(ada.problems, []);
    assert.deepEqual(bo.problems, []);
  });
});
