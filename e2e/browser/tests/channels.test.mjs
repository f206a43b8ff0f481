// The channel screens in Chromium against the real server, which talks to
// loopback fakes of the Graph API (WhatsApp) and Twilio started here:
// set up a WhatsApp inbox from the settings page (webhook URL, verify token,
// health, test connection), receive a signed inbound message older than 24
// hours (the window is closed), send a template with variables, see a
// failed send's reason, retry it, and resend another through SMS.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { steps } from '../lib/steps.mjs';
import { checkScreen, launch, newPage, screenshot } from '../lib/browser.mjs';
import { postMetaWebhook, waStatus, waTextMessage } from '../lib/providers.mjs';
import { startStack } from '../lib/stack.mjs';

const ADMIN = { name: 'Wanda Admin', email: 'wanda@example.com', password: 'whatsapp horse battery' };
const PHONE_NUMBER_ID = '106540352242922';
const WABA_ID = '102290129340398';
const ACCESS_TOKEN = 'EAAG-wa-access-token-never-shown';
const APP_SECRET = 'wa-app-secret-never-shown';
const CUSTOMER = '16505551234';
const TWILIO_SID = 'AC0123456789abcdef0123456789abcdef';

const TEMPLATES = [
  {
    name: 'order_update',
    language: 'en_US',
    status: 'APPROVED',
    category: 'UTILITY',
    id: '1',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Order news' },
      { type: 'BODY', text: 'Hi {{1}}, your order {{2}} has shipped.' },
      { type: 'FOOTER', text: 'Acme' },
    ],
  },
  { name: 'hello', language: 'en_US', status: 'APPROVED', category: 'MARKETING', id: '2', components: [{ type: 'BODY', text: 'Hello from Acme!' }] },
  { name: 'draft_offer', language: 'en_US', status: 'PENDING', category: 'MARKETING', id: '3', components: [{ type: 'BODY', text: 'Soon {{1}}' }] },
];

let stack;
let server;
let providers;
let browser;
let page;
let admin;
let inboxId;
let webhookURL;

const thread = (p) => p.getByRole('list', { name: 'Conversation history' });

const step = steps(async () => {
  if (page && !page.isClosed()) await screenshot(page, 'FAILED-channels').catch(() => {});
  console.error(`server log (tail):\n${server?.log.slice(-4000)}`);
  console.error(`provider requests (tail):\n${JSON.stringify(providers?.requests.slice(-10), null, 1)}`);
});

async function sendTemplate(p, vars) {
  const composer = p.getByRole('form', { name: 'Composer' });
  await composer.getByLabel('Template', { exact: true }).selectOption({ label: 'order_update (en_US)' });
  await composer.getByLabel('Variable {{1}}').fill(vars[0]);
  await composer.getByLabel('Variable {{2}}').fill(vars[1]);
  const text = `Hi ${vars[0]}, your order ${vars[1]} has shipped.`;
  await composer.getByTestId('template-preview').filter({ hasText: text }).waitFor();
  await composer.getByRole('button', { name: 'Send template' }).click();
  const item = thread(p).locator('li.msg-out', { hasText: text });
  await item.waitFor();
  return item;
}

describe('channel screens in Chromium', { timeout: 120_000 }, () => {
  before(async () => {
    stack = await startStack(ADMIN, { accessToken: ACCESS_TOKEN, phoneNumberId: PHONE_NUMBER_ID, wabaId: WABA_ID, templates: TEMPLATES });
    ({ providers, server, admin } = stack);
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  step('sets up a WhatsApp inbox: the form, the webhook URL and verify token, health, test connection', async () => {
    page = await newPage(browser, server.url);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await page.goto('/');
    await page.waitForURL('**/login');
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('navigation', { name: 'Views' }).waitFor();

    await page.getByRole('banner').getByRole('link', { name: 'Settings' }).click();
    await page.waitForURL('**/settings');
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await page.getByText('No inboxes yet.').waitFor();
    await checkScreen(page, '13-settings');

    await page.getByRole('link', { name: /WhatsApp/ }).click();
    await page.waitForURL('**/settings/inboxes/new?kind=whatsapp');
    const form = page.getByRole('form', { name: /WhatsApp inbox/ });
    await form.getByLabel(/^Name/).fill('WhatsApp Support');
    await form.getByLabel('Phone number ID').fill(PHONE_NUMBER_ID);
    await form.getByLabel('WhatsApp Business Account ID').fill(WABA_ID);
    await form.getByLabel(/^Access token/).fill(ACCESS_TOKEN);
    await form.getByLabel(/^App secret/).fill(APP_SECRET);
    assert.equal(await form.getByLabel(/^Verify token/).inputValue(), '', 'left empty: the server generates it');
    await checkScreen(page, '14-new-whatsapp-inbox');
    await form.getByRole('button', { name: 'Create inbox' }).click();

    await page.waitForURL(/\/settings\/inboxes\/[0-9a-f-]+\?created=1$/);
    inboxId = new URL(page.url()).pathname.split('/').pop();
    await page.getByText('The inbox was created.').waitFor();
    webhookURL = `${server.url}/webhooks/whatsapp/${inboxId}`;
    const setup = page.getByRole('group', { name: 'Provider set-up' });
    assert.equal(await setup.getByRole('textbox', { name: 'Webhook URL' }).inputValue(), webhookURL);
    const verifyToken = await setup.getByRole('textbox', { name: 'Verify token' }).inputValue();
    assert.match(verifyToken, /^[A-Za-z0-9_-]{16,}$/, `generated verify token ${verifyToken}`);
    const saved = await admin.req('GET', `/workspaces/${admin.ws}/inboxes/${inboxId}`);
    assert.equal(saved.config.verify_token, verifyToken);

    // The token shown is the one Meta's subscription check must carry.
    const challenge = await fetch(`${webhookURL}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(verifyToken)}&hub.challenge=1158201444`);
    assert.equal(challenge.status, 200);
    assert.equal(await challenge.text(), '1158201444');

    // Copy buttons put the value on the clipboard.
    await setup.getByRole('button', { name: 'Copy webhook url' }).click();
    await setup.getByText('Copied').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), webhookURL);

    // Secrets are write-only: "set", never shown.
    const html = await page.content();
    assert.ok(!html.includes(ACCESS_TOKEN) && !html.includes(APP_SECRET), 'no secret in the page');
    await page.getByTestId('secret-access_token').filter({ hasText: 'Set' }).waitFor();
    assert.equal(await page.getByLabel(/^Access token/).inputValue(), '');

    // Health before any traffic, then the provider test call.
    const health = page.getByRole('region', { name: 'Channel health' });
    await health.getByText('No traffic yet').waitFor();
    await page.getByTestId('health-last-inbound').getByText('Never').waitFor();
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText(/Connected: the provider accepted the credentials/).waitFor();
    assert.ok(providers.requests.some((r) => r.method === 'GET' && r.path.startsWith(`/v23.0/${PHONE_NUMBER_ID}`)), 'the test call reached the fake');
    await checkScreen(page, '15-inbox-created');
  });

  step('an inbound message older than 24 hours closes the window; a template with variables goes out', async () => {
    const at = new Date(Date.now() - 26 * 3600_000);
    const payload = waTextMessage({ phoneNumberId: PHONE_NUMBER_ID, from: CUSTOMER, name: 'Kim Customer', id: 'wamid.inbound-old-1', text: 'Is my order on its way?', at });
    // A wrongly signed copy is refused and counted; the signed one is stored.
    assert.equal((await postMetaWebhook(webhookURL, 'not-the-secret', payload)).status, 401);
    const ok = await postMetaWebhook(webhookURL, APP_SECRET, payload);
    assert.equal(ok.status, 200, ok.text);

    // Health shows the inbound message and the refused webhook.
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    await page.getByTestId('health-last-inbound').locator('time').waitFor();
    await page.getByTestId('health-rejected').getByText(/1 with a bad signature/).waitFor();

    await page.getByRole('link', { name: '← Inbox' }).click();
    const row = page.getByRole('listbox', { name: 'Conversations' }).getByRole('option', { name: /Kim Customer/ });
    await row.click();
    await thread(page).getByText('Is my order on its way?').waitFor();
    const win = page.getByTestId('reply-window');
    await page.locator('[data-testid=reply-window][data-state=template_only]').waitFor();
    assert.match(await win.textContent(), /24-hour window closed .* only approved templates/);
    // The composer switched to the picker; free-form replies are not offered.
    const composer = page.getByRole('form', { name: 'Composer' });
    await composer.getByRole('button', { name: 'Template', pressed: true }).waitFor();
    await composer.getByLabel('Template', { exact: true }).locator('option', { hasText: 'order_update (en_US)' }).waitFor({ state: 'attached' });
    assert.equal(await composer.locator('option[disabled]', { hasText: 'draft_offer' }).count(), 1, 'a pending template is listed, not offered');
    await composer.getByRole('button', { name: 'Refresh templates' }).click();
    await composer.getByRole('button', { name: 'Refresh templates' }).and(page.locator(':enabled')).waitFor();

    await composer.getByLabel('Template', { exact: true }).selectOption({ label: 'order_update (en_US)' });
    await composer.getByLabel('Variable {{1}}').fill('Kim');
    await composer.getByLabel('Variable {{2}}').fill('#42');
    await composer.getByTestId('template-preview').filter({ hasText: 'Hi Kim, your order #42 has shipped.' }).waitFor();
    await checkScreen(page, '16-template-picker');
    await composer.getByRole('button', { name: 'Send template' }).click();

    const sent = await providers.waitForSend((s) => s.body.type === 'template');
    assert.equal(sent.path, `/${PHONE_NUMBER_ID}/messages`);
    assert.equal(sent.body.to, CUSTOMER);
    assert.equal(sent.body.template.name, 'order_update');
    assert.equal(sent.body.template.language.code, 'en_US');
    assert.deepEqual(
      sent.body.template.components[0].parameters.map((x) => x.text),
      ['Kim', '#42'],
    );
    const item = thread(page).locator('li.msg-out', { hasText: 'Hi Kim, your order #42 has shipped.' });
    await item.locator('.delivery[data-status=sent]').waitFor();
    // Meta reports delivery: the status changes live.
    const st = await postMetaWebhook(webhookURL, APP_SECRET, waStatus({ phoneNumberId: PHONE_NUMBER_ID, wamid: sent.id, status: 'delivered', recipient: CUSTOMER }));
    assert.equal(st.status, 200, st.text);
    await item.locator('.delivery[data-status=delivered]').waitFor();
  });

  step('a failed send shows its reason; Retry sends it again, "Resend via…" sends another by SMS', async () => {
    // An SMS inbox on which the customer is reachable by phone number.
    const sms = await admin.req('POST', `/workspaces/${admin.ws}/inboxes`, {
      name: 'SMS',
      channel: 'twilio_sms',
      config: { account_sid: TWILIO_SID, auth_token: 'f00dfeedf00dfeedf00dfeedf00dfeed', phone_number: '+1 415 555 0100' },
    });

    providers.failNext({ status: 400, code: 131026, message: 'Message undeliverable' });
    const first = await sendTemplate(page, ['Kim', '#43']);
    await first.locator('.delivery[data-status=failed]').waitFor();
    await first.locator('.delivery-line').getByText('Message undeliverable').waitFor();
    await first.getByText('Delivery history').click();
    await checkScreen(page, '17-failed-message');

    const before = providers.sent.length;
    await first.getByRole('button', { name: 'Retry' }).click();
    await first.locator('.delivery[data-status=sent]').waitFor();
    const retried = await providers.waitForSend((s) => providers.sent.indexOf(s) >= before && s.body.type === 'template');
    assert.deepEqual(retried.body.template.components[0].parameters.map((x) => x.text), ['Kim', '#43']);
    assert.equal(await first.getByRole('button', { name: 'Retry' }).count(), 0, 'no Retry once sent');

    providers.failNext({ status: 400, code: 131026, message: 'Message undeliverable' });
    const second = await sendTemplate(page, ['Kim', '#44']);
    await second.locator('.delivery[data-status=failed]').waitFor();
    await second.getByRole('button', { name: 'Resend via…' }).click();
    const through = second.getByLabel('Resend through');
    await through.locator('option', { hasText: 'SMS (SMS)' }).waitFor({ state: 'attached' });
    assert.equal(await through.locator('option').count(), 1, 'only the SMS inbox can reach the customer');
    await checkScreen(page, '18-resend-via');
    await second.getByRole('button', { name: 'Resend', exact: true }).click();
    await second.getByText('Resent via SMS.').waitFor();

    const viaSMS = await providers.waitForSend((s) => s.provider === 'twilio');
    assert.equal(viaSMS.body.To, '+' + CUSTOMER);
    assert.equal(viaSMS.body.Body, 'Hi Kim, your order #44 has shipped.');
    const cid = new URL(page.url()).pathname.split('/').pop();
    const resent = (await admin.req('GET', `/workspaces/${admin.ws}/conversations/${cid}/messages`)).items.find((m) => m.inbox_id === sms.id);
    assert.ok(resent, 'the copy is on the SMS inbox');
    await thread(page).locator(`li.msg-out[data-message-id="${resent.id}"] .delivery[data-status=sent]`).waitFor();
    const copies = thread(page).locator('li.msg-out', { hasText: 'Hi Kim, your order #44 has shipped.' });
    assert.equal(await copies.count(), 2, 'the failed message and its SMS copy');
  });

  step('settings list every inbox with its health; an inbox can be edited and deleted', async () => {
    await page.getByRole('banner').getByRole('link', { name: 'Settings' }).click();
    const list = page.getByRole('list', { name: 'Inboxes' });
    const wa = list.getByRole('listitem').filter({ hasText: 'WhatsApp Support' });
    await wa.locator('.health[data-level=failing]').waitFor();
    await list.getByRole('listitem').filter({ hasText: 'SMS' }).locator('.health[data-level=ok]').waitFor();
    await checkScreen(page, '19-settings-inboxes');

    // Edit: a new name, the secrets kept (left empty), the health shows the last error.
    await wa.getByRole('link', { name: 'WhatsApp Support' }).click();
    await page.getByTestId('health-last-error').getByText(/undeliverable/).waitFor();
    const form = page.getByRole('form', { name: 'Settings' });
    await form.getByLabel(/^Name/).fill('WhatsApp Sales');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Changes saved.').waitFor();
    await page.getByRole('heading', { name: /WhatsApp Sales/ }).waitFor();
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText(/Connected: the provider accepted the credentials/).waitFor();

    // Delete the SMS inbox.
    await page.getByRole('banner').getByRole('link', { name: 'Settings' }).click();
    await list.getByRole('link', { name: 'SMS', exact: true }).click();
    await page.getByRole('button', { name: 'Delete inbox…' }).click();
    await page.getByRole('button', { name: 'Yes, delete it' }).click();
    await page.waitForURL((u) => u.pathname === '/settings');
    await list.getByRole('listitem').filter({ hasText: 'WhatsApp Sales' }).waitFor();
    assert.equal(await list.getByRole('listitem').count(), 1);
    assert.deepEqual(page.problems, []);
  });
});
