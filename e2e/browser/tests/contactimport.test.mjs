// A large contact import in Chromium against the real server: the file is
// mapped and imported from the Contacts screen, runs as a background job,
// and the dialog follows its progress (socket events, batch by batch) to
// the final counts; importing it again changes nothing.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { steps } from '../lib/steps.mjs';
import { launch, newPage, screenshot } from '../lib/browser.mjs';
import { startStack } from '../lib/stack.mjs';

const ADMIN = { name: 'Ida Import', email: 'ida@example.com', password: 'contact import battery' };
const ROWS = 3000;

let stack;
let server;
let browser;
let page;
let admin;

const csv = () => {
  const lines = ['E-mail,Full name,Mobile'];
  for (let i = 0; i < ROWS; i++) lines.push(`buyer${i}@example.com,Buyer ${i},+1415${String(i).padStart(7, '0')}`);
  return Buffer.from(lines.join('\n') + '\n');
};

const step = steps(async () => {
  if (page && !page.isClosed()) await screenshot(page, 'FAILED-contactimport').catch(() => {});
  console.error(`server log (tail):\n${server?.log.slice(-4000)}`);
});

describe('contact import in Chromium', { timeout: 180_000 }, () => {
  before(async () => {
    stack = await startStack(ADMIN);
    ({ server, admin } = stack);
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const importFile = async () => {
    const dialog = page.getByRole('dialog', { name: 'Import contacts from CSV' });
    await dialog.getByLabel(/CSV file/).setInputFiles({ name: 'buyers.csv', mimeType: 'text/csv', buffer: csv() });
    // The columns are mapped by their names.
    assert.equal(await dialog.getByLabel('Field for E-mail').inputValue(), 'email');
    assert.equal(await dialog.getByLabel('Field for Mobile').inputValue(), 'phone');
    await dialog.getByLabel('Field for Full name').selectOption('name');
    const started = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/contact-imports'));
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    const res = await started;
    assert.equal(res.status(), 202, 'a file this large goes on in the background');
    return dialog;
  };

  step('a 3,000-row file imports in the background; the dialog shows its progress to the end', async () => {
    page = await newPage(browser, server.url);
    await page.goto('/');
    await page.waitForURL('**/login');
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('navigation', { name: 'Views' }).waitFor();
    await page.getByRole('link', { name: 'Contacts' }).click();
    await page.waitForURL('**/contacts');
    await page.getByRole('button', { name: 'Import CSV' }).click();
    const dialog = await importFile();
    const status = dialog.getByRole('status');
    // The answer to the upload shows the import under way, with a progress bar.
    await status.getByText(/Importing…/).waitFor();
    await dialog.getByRole('progressbar', { name: 'Import progress' }).waitFor();
    await status.getByText(new RegExp(`Imported: ${ROWS} of ${ROWS} rows — ${ROWS} new, 0 updated, 0 unchanged`)).waitFor({ timeout: 120_000 });
    const list = await admin.req('GET', `/workspaces/${admin.ws}/contacts?q=${encodeURIComponent('buyer2999@')}`);
    assert.equal(list.items.length, 1);
    assert.equal(list.items[0].name, 'Buyer 2999');
    assert.equal(list.items[0].phone, '+14150002999');
  });

  step('importing the same file again changes nothing', async () => {
    const dialog = await importFile();
    await dialog.getByRole('status').getByText(new RegExp(`Imported: ${ROWS} of ${ROWS} rows — 0 new, 0 updated, ${ROWS} unchanged`)).waitFor({ timeout: 120_000 });
  });
});
