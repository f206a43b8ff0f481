// Files in the conversation, in Chromium against the real server: attach a
// PNG through the file chooser (opened with Alt+U) and send it with a
// caption, see its thumbnail and open the full image; see a refused upload,
// attach a PDF to a private note and download it; on WhatsApp (loopback Graph fake) see an
// inbound photo, the server's refusal of two files in one reply with the
// draft and files kept, one file going out, and files dropped or pasted.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { steps } from '../lib/steps.mjs';
import { checkScreen, launch, newPage, screenshot } from '../lib/browser.mjs';
import { png, postMetaWebhook, waMediaMessage } from '../lib/providers.mjs';
import { startStack } from '../lib/stack.mjs';

const ADMIN = { name: 'Fay Admin', email: 'fay@example.com', password: 'paperclip horse battery' };
const PHONE_NUMBER_ID = '106540352242922';
const WABA_ID = '102290129340398';
const ACCESS_TOKEN = 'EAAG-files-access-token';
const APP_SECRET = 'files-app-secret';
const CUSTOMER = '16505550199';

const INVOICE = png(64, 48);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

let stack;
let server;
let providers;
let browser;
let page;
let admin;
let apiInbox;
let waInbox;

const thread = (p) => p.getByRole('list', { name: 'Conversation history' });
const composer = (p) => p.getByRole('form', { name: 'Composer' });
const chip = (p, name) => composer(p).getByRole('list', { name: 'Files to send' }).getByRole('listitem').filter({ hasText: name });

const step = steps(async () => {
  if (page && !page.isClosed()) await screenshot(page, 'FAILED-files').catch(() => {});
  console.error(`server log (tail):\n${server?.log.slice(-4000)}`);
  console.error(`provider requests (tail):\n${JSON.stringify(providers?.requests.slice(-10), null, 1)}`);
});

/** imageLoaded waits until the <img> has decoded, and answers its natural width. */
async function imageLoaded(img) {
  await img.waitFor();
  const handle = await img.elementHandle();
  await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, handle);
  return handle.evaluate((el) => el.naturalWidth);
}

async function openConversation(name, text) {
  await page.getByRole('listbox', { name: 'Conversations' }).getByRole('option', { name: new RegExp(name) }).click();
  await thread(page).getByText(text).waitFor();
}

describe('files in the conversation in Chromium', { timeout: 120_000 }, () => {
  before(async () => {
    stack = await startStack(ADMIN, { accessToken: ACCESS_TOKEN, phoneNumberId: PHONE_NUMBER_ID, wabaId: WABA_ID });
    ({ providers, server, admin } = stack);
    apiInbox = await admin.req('POST', `/workspaces/${admin.ws}/inboxes`, { name: 'Website API', channel: 'api', config: {} });
    waInbox = await admin.req('POST', `/workspaces/${admin.ws}/inboxes`, {
      name: 'WhatsApp Support',
      channel: 'whatsapp',
      config: { phone_number_id: PHONE_NUMBER_ID, waba_id: WABA_ID, access_token: ACCESS_TOKEN, app_secret: APP_SECRET },
    });
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  step('attaches a PNG with Alt+U and the file chooser, sends it with a caption; the thumbnail opens the image', async () => {
    page = await newPage(browser, server.url);
    await page.goto('/');
    await page.waitForURL('**/login');
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('navigation', { name: 'Views' }).waitFor();

    await admin.inbound(apiInbox.inbound_token, { sourceId: 'pat', name: 'Pat Customer', content: 'Could you send me the invoice?' });
    await openConversation('Pat Customer', 'Could you send me the invoice?');

    // Hold the upload until its progress state is seen.
    let release;
    const held = new Promise((r) => (release = r));
    await page.route('**/api/v1/workspaces/*/uploads', async (route) => {
      await held;
      await route.continue();
    });
    const box = composer(page).getByRole('textbox', { name: 'Reply' });
    await box.click();
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Alt+U')]);
    assert.ok(chooser.isMultiple(), 'several files may be chosen');
    await chooser.setFiles({ name: 'invoice.png', mimeType: 'image/png', buffer: INVOICE });
    await chip(page, 'invoice.png').and(page.locator('[data-state=uploading]')).waitFor();
    await chip(page, 'invoice.png').getByRole('progressbar', { name: 'Uploading invoice.png' }).waitFor();
    assert.equal(await composer(page).getByRole('button', { name: 'Uploading…' }).isDisabled(), true, 'Send waits for the upload');
    await checkScreen(page, '20-file-uploading');
    release();
    await chip(page, 'invoice.png').and(page.locator('[data-state=ready]')).waitFor();
    await page.unroute('**/api/v1/workspaces/*/uploads');

    await box.fill('Here is your invoice');
    await checkScreen(page, '21-file-ready');
    await composer(page).getByRole('button', { name: 'Send' }).click();

    const item = thread(page).locator('li.msg-out', { hasText: 'Here is your invoice' });
    const link = item.getByRole('link', { name: /invoice\.png/ });
    assert.equal(await imageLoaded(item.locator('.att-image img')), 64, 'the thumbnail shows the PNG');
    assert.equal(await composer(page).getByRole('list', { name: 'Files to send' }).count(), 0, 'the chips went with the reply');
    await checkScreen(page, '22-image-in-thread');

    // Clicking the thumbnail opens the full-size image in a new tab.
    const href = await link.getAttribute('href');
    assert.match(href, /^\/api\/v1\/workspaces\/[^/]+\/conversations\/[^/]+\/messages\/[^/]+\/attachments\/[^/]+$/);
    const [tab] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
    await tab.waitForLoadState();
    assert.equal(new URL(tab.url()).pathname, href);
    assert.equal(await tab.evaluate(() => document.images[0]?.naturalWidth), 64, 'the tab shows the image itself');
    await tab.close();
    const res = await page.request.get(href);
    assert.equal(res.status(), 200);
    assert.equal(res.headers()['content-type'], 'image/png');
    assert.match(res.headers()['content-disposition'], /^inline/);
    assert.ok(Buffer.from(await res.body()).equals(INVOICE), 'the same bytes as uploaded');

    const cid = new URL(page.url()).pathname.split('/').pop();
    const sent = (await admin.req('GET', `/workspaces/${admin.ws}/conversations/${cid}/messages`)).items.find((m) => m.content === 'Here is your invoice');
    assert.deepEqual(
      sent.attachments.map((a) => [a.file_name, a.content_type, a.size]),
      [['invoice.png', 'image/png', INVOICE.length]],
    );
  });

  step('adds a private note with a PDF: a file card that downloads', async () => {
    await page.keyboard.press('Alt+N');
    const note = composer(page).getByRole('textbox', { name: 'Private note' });
    await note.waitFor();
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      composer(page).getByRole('button', { name: 'Attach files' }).click(),
    ]);
    await chooser.setFiles([
      { name: 'refund-policy.pdf', mimeType: 'application/pdf', buffer: PDF },
      // A program named like a picture: the server types files by content and refuses it.
      { name: 'setup.png', mimeType: 'image/png', buffer: Buffer.from('MZ\x90\x00 not a picture') },
    ]);
    await chip(page, 'refund-policy.pdf').and(page.locator('[data-state=ready]')).waitFor();
    const refused = chip(page, 'setup.png').and(page.locator('[data-state=failed]'));
    await refused.waitFor();
    assert.match(await refused.textContent(), /does not accept files of this type/);
    await checkScreen(page, '23-note-file-refused');
    await refused.getByRole('button', { name: 'Remove setup.png' }).click();
    await refused.waitFor({ state: 'detached' });
    // A file alone, no text: the note carries it.
    await composer(page).getByRole('button', { name: 'Add note' }).click();

    const item = thread(page).locator('li.msg-note').filter({ has: page.getByRole('link', { name: /refund-policy\.pdf/ }) });
    const card = item.getByRole('link', { name: /refund-policy\.pdf/ });
    await card.waitFor();
    assert.match(await card.textContent(), /PDF · \d+ B/);
    await checkScreen(page, '24-note-with-file');
    const [download] = await Promise.all([page.waitForEvent('download'), card.click()]);
    assert.equal(download.suggestedFilename(), 'refund-policy.pdf');
    const res = await page.request.get(await card.getAttribute('href'));
    assert.equal(res.status(), 200);
    assert.match(res.headers()['content-disposition'], /^attachment/);
    assert.ok(Buffer.from(await res.body()).equals(PDF));
  });

  step("WhatsApp: an inbound photo shows as a thumbnail; two files in one reply get the server's 422, draft and files kept; one goes out; dropped and pasted files attach", async () => {
    const photo = png(80, 60, [35, 112, 50]);
    providers.addMedia('wa-media-1', photo, 'image/png');
    const hook = `${server.url}/webhooks/whatsapp/${waInbox.id}`;
    const r = await postMetaWebhook(
      hook,
      APP_SECRET,
      waMediaMessage({ phoneNumberId: PHONE_NUMBER_ID, from: CUSTOMER, name: 'Kim Customer', id: 'wamid.photo-1', type: 'image', mediaId: 'wa-media-1', mimeType: 'image/png', caption: 'The box arrived like this' }),
    );
    assert.equal(r.status, 200, r.text);
    await openConversation('Kim Customer', 'The box arrived like this');
    const inbound = thread(page).locator('li.msg-in', { hasText: 'The box arrived like this' });
    assert.equal(await imageLoaded(inbound.locator('.att-image img')), 80, 'the customer’s photo, fetched from WhatsApp');

    // Two files: WhatsApp takes one per message, and the server says so.
    await composer(page).getByRole('button', { name: 'Reply' }).click();
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      composer(page).getByRole('button', { name: 'Attach files' }).click(),
    ]);
    await chooser.setFiles([
      { name: 'replacement.png', mimeType: 'image/png', buffer: png(32, 32, [201, 42, 42]) },
      { name: 'receipt.pdf', mimeType: 'application/pdf', buffer: PDF },
    ]);
    await chip(page, 'replacement.png').and(page.locator('[data-state=ready]')).waitFor();
    await chip(page, 'receipt.pdf').and(page.locator('[data-state=ready]')).waitFor();
    const box = composer(page).getByRole('textbox', { name: 'Reply' });
    await box.fill('Sorry! A replacement is on its way');
    await composer(page).getByRole('button', { name: 'Send' }).click();
    const alert = composer(page).getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.textContent(), /WhatsApp sends one attachment per message/);
    assert.equal(await box.inputValue(), 'Sorry! A replacement is on its way', 'the draft is kept');
    assert.equal(await composer(page).getByRole('list', { name: 'Files to send' }).getByRole('listitem').count(), 2, 'the files are kept');
    assert.equal(providers.sent.length, 0, 'nothing went to WhatsApp');
    await checkScreen(page, '25-whatsapp-refuses-two-files');

    // One file goes: uploaded to the Graph API, sent with the caption.
    await chip(page, 'receipt.pdf').getByRole('button', { name: 'Remove receipt.pdf' }).click();
    await alert.waitFor({ state: 'detached' });
    await composer(page).getByRole('button', { name: 'Send' }).click();
    const sent = await providers.waitForSend((s) => s.body.type === 'image');
    assert.equal(sent.body.to, CUSTOMER);
    assert.equal(sent.body.image.caption, 'Sorry! A replacement is on its way');
    assert.ok(providers.mediaUploads.some((u) => u.id === sent.body.image.id), 'the image was uploaded to WhatsApp first');
    const out = thread(page).locator('li.msg-out', { hasText: 'Sorry! A replacement is on its way' });
    await out.locator('.delivery[data-status=sent]').waitFor();
    assert.equal(await imageLoaded(out.locator('.att-image img')), 32);

    // Files dropped on the composer, or pasted into the box, are attached too.
    const dropped = await page.evaluateHandle(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['%PDF-1.4\n%%EOF\n'], 'dropped.pdf', { type: 'application/pdf' }));
      return dt;
    });
    const form = composer(page);
    await form.dispatchEvent('dragenter', { dataTransfer: dropped });
    await form.getByText('Drop files to attach them').waitFor();
    await form.dispatchEvent('drop', { dataTransfer: dropped });
    await chip(page, 'dropped.pdf').and(page.locator('[data-state=ready]')).waitFor();
    await box.evaluate((el) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0, 1, 0, 0, 0, 0, 0x3b])], 'pasted.gif', { type: 'image/gif' }));
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    });
    await chip(page, 'pasted.gif').and(page.locator('[data-state=ready]')).waitFor();
    assert.equal(await form.getByText('Drop files to attach them').count(), 0);
    assert.deepEqual(page.problems, []);
  });
});
