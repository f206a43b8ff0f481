// The rest of the working day in Chromium, as an admin: Settings → Deleted
// conversations lists one deleted with who and when, Restore brings it
// back into its views; a resolved conversation's header says "continued
// in #M" and links to the follow-up; a call recorded through the API
// appears live in the thread as a call line (direction, duration, play
// link, notes) and on the client card's calls.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { steps } from '../lib/steps.mjs';
import { checkA11y, launch, newPage, screenshot, signIn } from '../lib/browser.mjs';
import { startWorkspace } from '../lib/server.mjs';

const ADMIN = { name: 'Ada Admin', email: 'ada@example.com', password: 'correct horse battery' };

let stack;
let server;
let browser;
let admin;
let inboundToken;
let ad; // the admin's page

const history = (p) => p.getByRole('list', { name: 'Conversation history' });

function customerSays(name, content) {
  return admin.inbound(inboundToken, { sourceId: name.toLowerCase().replace(/\W+/g, '-'), name, content });
}

async function conversation(id) {
  return admin.req('GET', `/workspaces/${admin.ws}/conversations/${id}`);
}

const step = steps(async () => {
  if (ad && !ad.isClosed()) await screenshot(ad, 'FAILED-workday2').catch(() => {});
  console.error(`server log (tail):\n${server?.log.slice(-4000)}`);
});

describe('deleted conversations, follow-ups and call records in Chromium', { timeout: 180_000 }, () => {
  before(async () => {
    stack = await startWorkspace(ADMIN);
    ({ server, admin } = stack);
    inboundToken = stack.inbox.inbound_token;
    browser = await launch();
    ad = await newPage(browser, server.url);
    await signIn(ad, ADMIN);
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  step('Settings → Deleted conversations: who deleted it and when; Restore brings it back into its views', async () => {
    const { conversation_id: id } = await customerSays('Ada Lovelace', 'Please forget me… no, wait');
    const { number } = await conversation(id);
    await admin.req('DELETE', `/workspaces/${admin.ws}/conversations/${id}`);
    await ad.goto('/settings/deleted');
    await ad.getByRole('heading', { name: 'Deleted conversations', level: 2 }).waitFor();
    const row = ad.getByTestId('deleted-row').filter({ hasText: `#${number} Ada Lovelace` });
    await row.waitFor();
    assert.match(await row.innerText(), /Ada Admin/);
    await checkA11y(ad, 'workday2-deleted');
    await screenshot(ad, 'workday2-deleted');
    await row.getByRole('button', { name: `Restore #${number}` }).click();
    await ad.getByRole('status').filter({ hasText: `#${number} restored` }).waitFor();
    await row.waitFor({ state: 'detached' });
    assert.equal((await conversation(id)).id, id);
    // Back in the views: the All list shows it again.
    await ad.getByRole('status').getByRole('link', { name: `#${number}` }).click();
    await ad.getByRole('heading', { name: 'Ada Lovelace', level: 1 }).waitFor();
    await history(ad).getByText('Please forget me… no, wait').waitFor();
  });

  step('a resolved conversation says "continued in #M" and links to its follow-up, which says "continues #N"', async () => {
    const { conversation_id: first } = await customerSays('Grace Hopper', 'My order is late');
    await admin.req('PATCH', `/workspaces/${admin.ws}/conversations/${first}`, { status: 'resolved' });
    const { conversation_id: next } = await customerSays('Grace Hopper', 'Still late, sorry to insist');
    assert.notEqual(next, first);
    const [a, b] = [await conversation(first), await conversation(next)];
    await ad.goto('/conversations/' + first);
    const link = ad.getByTestId('continued-in');
    await link.filter({ hasText: `continued in #${b.number}` }).waitFor();
    await link.getByRole('link', { name: `#${b.number}` }).click();
    await ad.waitForURL('**/conversations/' + next);
    await ad.locator('.thread-title .continues', { hasText: `continues #${a.number}` }).waitFor();
  });

  step('a call recorded through the API appears live in the thread as a call line, and on the client card', async () => {
    const next = (await admin.req('GET', `/workspaces/${admin.ws}/conversations?view=all`)).items.find((c) => c.contact.name === 'Grace Hopper');
    assert.ok(next, 'no open conversation with Grace Hopper');
    await ad.goto('/conversations/' + next.id);
    await history(ad).getByText('Still late, sorry to insist').waitFor();
    await admin.req('POST', `/workspaces/${admin.ws}/contacts/${next.contact.id}/calls`, {
      direction: 'outbound',
      started_at: new Date(Date.now() - 600_000).toISOString(),
      duration_s: 245,
      recording_url: 'https://recordings.example.com/calls/42.mp3',
      notes: 'Promised a refund for the late order',
    });
    const line = history(ad).locator('li[data-kind="call"]');
    await line.waitFor();
    const text = await line.innerText();
    assert.match(text, /Outbound call/);
    assert.match(text, /4m 05s/);
    assert.match(text, /Promised a refund for the late order/);
    const play = line.getByRole('link', { name: /Play recording/ });
    assert.equal(await play.getAttribute('href'), 'https://recordings.example.com/calls/42.mp3');
    assert.equal(await play.getAttribute('rel'), 'noopener noreferrer');
    await screenshot(ad, 'workday2-call-line');
    // The contact's calls on the client card (the contacts screen's card).
    await ad.goto('/contacts/' + next.contact.id);
    await ad.getByRole('list', { name: 'Calls' }).getByTestId('contact-call').filter({ hasText: /Outbound · 4m 05s/ }).waitFor();
    assert.deepEqual(ad.problems, [], 'problems on the page');
  });
});
