// Debian's Chromium driven by playwright-core (never a downloaded browser),
// plus the checks every screen gets: axe-core and a 1440×900 screenshot.
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const screenshotDir = path.join(here, '..', 'screenshots');
const require = createRequire(import.meta.url);
let axeSource = null;

export const CHROMIUM = process.env.PARLEY_CHROMIUM || '/usr/bin/chromium';

/**
 * launch starts headless Chromium. playwright-core gives every launch a fresh
 * temporary --user-data-dir of its own (it refuses one passed in args).
 * extraArgs adds flags (e.g. Chromium's fake microphone for voice messages).
 */
export function launch(extraArgs = []) {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...extraArgs,
    ],
  });
}

/** newPage opens a page in a fresh context (its own cookies) at 1440×900. */
export async function newPage(browser, baseURL) {
  const context = await browser.newContext({ baseURL, viewport: { width: 1440, height: 900 }, locale: 'en-GB', timezoneId: 'UTC' });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (err) => page.problems.push('page error: ' + err.message));
  page.on('console', (msg) => {
    const text = msg.text();
    // A CSP violation means the build or the policy is wrong.
    if (/Content Security Policy|Refused to (load|execute|apply)/i.test(text)) page.problems.push('CSP: ' + text);
  });
  return page;
}

/** checkA11y runs axe-core in the page and fails on serious or critical issues. */
export async function checkA11y(page, screen) {
  if (!axeSource) axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  // Evaluated through the DevTools protocol, so the page's CSP does not block it
  // (a <script> tag would be refused, as it should be).
  const has = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!has) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `axe found serious/critical issues on ${screen}:\n${JSON.stringify(bad, null, 2)}`);
  return violations;
}

export async function screenshot(page, name) {
  await mkdir(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, name + '.png') });
}

/** screen checks a screen: axe, a screenshot, and no CSP violation or page error so far. */
export async function checkScreen(page, name) {
  await checkA11y(page, name);
  await screenshot(page, name);
  assert.deepEqual(page.problems, [], `problems on ${name}`);
}

/** signIn signs who in on the login page and waits for the inbox's views. */
export async function signIn(page, who) {
  await page.goto('/');
  await page.waitForURL('**/login');
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByLabel('Password').press('Enter');
  await page.getByRole('navigation', { name: 'Views' }).waitFor();
}
