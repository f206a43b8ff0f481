// The AI agent in Chromium: the admin fills the knowledge base, gives the
// inbox the assistant and tries it in the playground; a customer's
// question in the AI-active conversation gets an answer from the
// knowledge base whose reasoning panel shows the source; "I want to talk
// to a real person" flags the handoff (banner, notification) and no
// further AI answer comes; the agent resumes, gets an answer again, and
// takes over with the keyboard chord. Then an agent rates an AI reply
// 👎 with a better answer, the admin approves it on the review list, and
// the next similar question is answered with it.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { steps } from '../lib/steps.mjs';
import { checkScreen, launch, newPage, screenshot } from '../lib/browser.mjs';
import { Api, buildServer, makeTempDir, Server } from '../lib/server.mjs';

const ADMIN = { name: 'Ada Admin', email: 'ada@example.com', password: 'correct horse battery' };

let tmp;
let server;
let browser;
let admin;
let inboundToken;
let page;

const thread = (p) => p.getByRole('list', { name: 'Conversation history' });
const aiMessages = (p) => thread(p).locator('li[data-kind="ai"]');

async function customerSays(content, sourceId = 'grace', name = 'Grace Hopper') {
  return admin.inbound(inboundToken, { sourceId, name, content });
}

const step = steps(async () => {
  if (page && !page.isClosed()) await screenshot(page, 'FAILED-ai').catch(() => {});
  console.error(`server log (tail):\n${server?.log.slice(-4000)}`);
});

describe('the AI agent in Chromium', { timeout: 170_000 }, () => {
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
    browser = await launch();
    page = await newPage(browser, server.url);
    await page.goto('/');
    await page.waitForURL('**/login');
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('navigation', { name: 'Views' }).waitFor();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await tmp?.cleanup();
  });

  step('the admin adds a Q&A pair to the knowledge base', async () => {
    await page.goto('/settings/knowledge');
    await page.getByRole('heading', { name: 'Knowledge base', level: 2 }).waitFor();
    await page.getByLabel('Question').fill('Do you ship to Canada?');
    await page.getByLabel('Answer').fill('Yes, we ship to Canada in 5 to 7 business days.');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByText('Added to the knowledge base.').waitFor();
    await page.locator('.knowledge-list').getByText('Do you ship to Canada?').waitFor();
    await checkScreen(page, 'ai-knowledge');
  });

  step('the admin gives the inbox the assistant and tries it', async () => {
    await page.goto('/settings/ai');
    await page.getByRole('heading', { name: 'AI assistant', level: 2 }).waitFor();
    await page.getByLabel('Website API').check();
    await page.getByText('The assistant answers this inbox’s new conversations.').waitFor();
    await page.getByLabel('A customer writes').fill('Hello, do you ship to Canada?');
    await page.getByRole('button', { name: 'Ask the assistant' }).click();
    const preview = page.locator('.ai-preview');
    await preview.getByText(/Yes, we ship to Canada/).waitFor();
    await preview.getByLabel('AI reasoning').locator('.ai-sources li').getByText('Do you ship to Canada?').waitFor();
    await checkScreen(page, 'ai-assistant');
    const ia = await admin.req('GET', `/workspaces/${admin.ws}/ai/inboxes`);
    assert.equal(ia.items.length, 1);
  });

  step('a customer question gets an AI answer from the knowledge base, with its reasoning', async () => {
    await page.goto('/');
    await page.getByRole('navigation', { name: 'Views' }).waitFor();
    await customerSays('Hi! Do you ship to Canada?');
    await page.getByRole('listbox', { name: 'Conversations' }).getByRole('option', { name: /Grace Hopper/ }).click();
    await aiMessages(page).first().getByText(/Yes, we ship to Canada/).waitFor();
    await page.getByRole('region', { name: 'AI assistant' }).getByText('AI: answering').waitFor();
    await aiMessages(page).first().getByRole('button', { name: 'AI' }).click();
    const panel = aiMessages(page).first().getByLabel('AI reasoning');
    await panel.locator('.ai-sources li').getByText('Do you ship to Canada?').waitFor();
    assert.match(await panel.textContent(), /builtin/);
    await checkScreen(page, 'ai-reasoning');
  });

  step('asking for a person hands off: banner, notification, and no further AI answer', async () => {
    await customerSays('I want to talk to a real person');
    await page.getByText('Handed off to a person.').waitFor();
    await page.getByRole('region', { name: 'AI assistant' }).getByText('AI: paused').waitFor();
    await thread(page).locator('li[data-action="ai_handoff"]').waitFor();
    await page.getByTestId('bell-count').waitFor();
    const aiBefore = await aiMessages(page).count(); // the answer and the handoff message
    await customerSays('Hello? Do you ship to Canada?');
    await thread(page).getByText('Hello? Do you ship to Canada?').waitFor();
    // Paused: the message queued no AI job, so its arrival is the end of it.
    assert.equal(await aiMessages(page).count(), aiBefore);
    await checkScreen(page, 'ai-handoff');
  });

  step('the agent resumes the AI, gets an answer, and takes over with Alt+Shift+T', async () => {
    const region = page.getByRole('region', { name: 'AI assistant' });
    const before = await aiMessages(page).count();
    await region.getByRole('button', { name: 'Resume AI' }).click();
    await region.getByText('AI: answering').waitFor();
    await customerSays('And do you ship to Canada by express?');
    await page.waitForFunction((n) => document.querySelectorAll('li[data-kind="ai"]').length > n, before);
    await page.keyboard.press('Alt+Shift+T');
    await region.getByText('AI: paused').waitFor();
    const c = (await admin.req('GET', `/workspaces/${admin.ws}/conversations`)).items[0];
    assert.equal(c.ai_mode, 'paused');
    assert.equal(c.handoff_reason, 'human_request');
  });

  step('an agent rates an AI reply 👎 with a better answer; approved, it answers the next similar question', async () => {
    await page.goto('/');
    await page.getByRole('navigation', { name: 'Views' }).waitFor();
    await customerSays('How long is the warranty on the blender?', 'linus', 'Linus Pauling');
    await page.getByRole('listbox', { name: 'Conversations' }).getByRole('option', { name: /Linus Pauling/ }).click();
    const reply = aiMessages(page).first();
    await reply.getByText(/passing you to a member of our team/).waitFor();
    const rate = reply.getByRole('group', { name: 'Rate this AI reply' });
    await rate.getByRole('button', { name: 'Bad answer' }).click();
    await rate.getByLabel('Better answer').fill('Every blender has a two-year warranty.');
    await rate.getByRole('button', { name: 'Send for review' }).click();
    await rate.getByText('Your better answer waits for an admin.').waitFor();
    assert.equal(await rate.getByRole('button', { name: 'Bad answer' }).getAttribute('aria-pressed'), 'true');
    await checkScreen(page, 'ai-feedback-vote');

    await page.goto('/settings/knowledge');
    const review = page.getByRole('region', { name: 'Corrections from agents' });
    const item = review.locator('li[data-feedback-id]').filter({ hasText: 'Every blender has a two-year warranty.' });
    await item.getByText(/rated the AI reply/).waitFor();
    assert.equal(await item.getByLabel('Customer question').inputValue(), 'How long is the warranty on the blender?');
    await item.getByLabel('Customer question').fill('What is the warranty on the blender?');
    await checkScreen(page, 'ai-feedback-review');
    await item.getByRole('button', { name: 'Approve' }).click();
    await review.getByText('Nothing here.').waitFor();
    await page.reload();
    await page.locator('.knowledge-list').getByText('What is the warranty on the blender?').waitFor();

    await page.goto('/');
    await page.getByRole('navigation', { name: 'Views' }).waitFor();
    await customerSays("what's the warranty for the blender", 'marie', 'Marie Curie');
    await page.getByRole('listbox', { name: 'Conversations' }).getByRole('option', { name: /Marie Curie/ }).click();
    await aiMessages(page).first().getByText('Every blender has a two-year warranty.').waitFor();
  });
});
