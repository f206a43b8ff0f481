// The settings screens in Chromium against the real server: members (role),
// teams, tags and labels, workspace settings, personal API tokens (shown
// once, revoked), a deep link reloaded, the workspace switcher, the
// not-found page, and an invitation followed by a colleague in a second
// browser context. Every screen is checked with axe-core and screenshotted
// at 1440×900.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { steps } from '../lib/steps.mjs';
import { checkScreen, launch, newPage, screenshot } from '../lib/browser.mjs';
import { Api, buildServer, makeTempDir, Server } from '../lib/server.mjs';

const ADMIN = { name: 'Sam Settings', email: 'sam@example.com', password: 'settings horse battery' };
const AGENT = { name: 'Bo Agent', email: 'bo@example.com', password: 'staple battery horse' };
const OTHER = { name: 'Olga Other', email: 'olga@example.com', password: 'other workspace horse' };
const NEWCOMER = { name: 'Nia Newcomer', email: 'nia@example.com', password: 'newcomer battery staple' };

let tmp;
let bin;
let server;
let browser;
let admin; // Api as the admin, admin.ws is Acme Support
let page;

const main = (p) => p.getByRole('main');
const status = (p, text) => main(p).getByRole('status').filter({ hasText: text });
const inbox = (p) => p.getByRole('navigation', { name: 'Views' });

const step = steps(async () => {
  if (page && !page.isClosed()) await screenshot(page, 'FAILED-settings').catch(() => {});
  console.error(`server log (tail):\n${server?.log.slice(-4000)}`);
});

async function signIn(p, who) {
  await p.goto('/');
  await p.waitForURL('**/login');
  await p.getByLabel('Email').fill(who.email);
  await p.getByLabel('Password', { exact: true }).fill(who.password);
  await p.getByLabel('Password', { exact: true }).press('Enter');
  await inbox(p).waitFor();
}

/** join invites who into inviter's workspace; they accept as a new account, or signed in as asUser. */
async function join(inviter, who, role, asUser) {
  const invite = await inviter.req('POST', `/workspaces/${inviter.ws}/invites`, { email: who.email, role });
  const token = new URL(invite.link).searchParams.get('token');
  const body = asUser ? { token } : { token, name: who.name, password: who.password };
  await (asUser ?? new Api(server.url)).req('POST', '/invites/accept', body);
}

async function settingsNav(p, name) {
  await p.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name, exact: true }).click();
  await p.getByRole('heading', { name, level: 1 }).waitFor();
}

describe('settings screens in Chromium', { timeout: 170_000 }, () => {
  before(async () => {
    tmp = await makeTempDir();
    bin = process.env.PARLEY_BIN || (await buildServer(tmp.dir));
    server = await Server.create(bin, tmp.dir);
    await server.start();
    const token = await server.setupToken();
    await new Api(server.url).req('POST', '/setup', { token, workspace_name: 'Acme Support', ...ADMIN });
    admin = await new Api(server.url).login(ADMIN.email, ADMIN.password);
    admin.ws = (await admin.req('GET', '/me')).workspaces[0].id;
    await join(admin, AGENT, 'agent');
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await tmp?.cleanup();
  });

  step('a deep link to /settings/members opens the page directly, also on reload', async () => {
    page = await newPage(browser, server.url);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await signIn(page, ADMIN);
    await page.goto('/settings/members');
    await page.getByRole('heading', { name: 'Members', level: 1 }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Members', level: 1 }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/settings/members');
    const nav = page.getByRole('navigation', { name: 'Settings' });
    assert.equal(await nav.getByRole('link', { name: 'Members' }).getAttribute('aria-current'), 'page');
    await main(page).getByRole('rowheader', { name: /Bo Agent/ }).waitFor();
    await checkScreen(page, '30-settings-members');
  });

  step('members: an admin changes a member’s role and capacity', async () => {
    await page.getByLabel('Role of Bo Agent').selectOption('admin');
    await status(page, 'Bo Agent is now an admin.').waitFor();
    const users = await admin.req('GET', `/workspaces/${admin.ws}/users`);
    assert.equal(users.items.find((u) => u.email === AGENT.email).role, 'admin');
    await page.getByLabel('Role of Bo Agent').selectOption('agent');
    await status(page, 'Bo Agent is now an agent.').waitFor();
    await page.getByLabel('Capacity of Bo Agent').fill('5');
    await page.getByLabel('Capacity of Bo Agent').press('Enter');
    await status(page, 'capacity is now 5').waitFor();
    const bo = (await admin.req('GET', `/workspaces/${admin.ws}/users`)).items.find((u) => u.email === AGENT.email);
    assert.equal(bo.role, 'agent');
    assert.equal(bo.capacity, 5);
  });

  step('teams: create, add a member, rename, delete', async () => {
    await settingsNav(page, 'Teams');
    assert.equal(new URL(page.url()).pathname, '/settings/teams');
    await page.getByText('No teams yet.').waitFor();
    await page.getByLabel('Team name').fill('Billing');
    await page.getByRole('button', { name: 'Create team' }).click();
    await status(page, 'Team “Billing” created.').waitFor();
    await page.getByRole('button', { name: 'Members of Billing' }).click();
    await page.getByRole('group', { name: 'Members of Billing' }).getByLabel(/Bo Agent/).check();
    await status(page, 'Bo Agent added to Billing.').waitFor();
    await checkScreen(page, '31-settings-teams');
    await page.getByRole('button', { name: 'Rename Billing' }).click();
    await page.getByRole('form', { name: 'Rename team Billing' }).getByLabel('Team name').fill('Payments');
    await page.getByRole('form', { name: 'Rename team Billing' }).getByRole('button', { name: 'Save' }).click();
    await status(page, 'Team renamed to “Payments”.').waitFor();
    const teams = await admin.req('GET', `/workspaces/${admin.ws}/teams`);
    assert.deepEqual(teams.items.map((t) => t.name), ['Payments']);
    assert.equal(teams.items[0].member_ids.length, 1);
    await page.getByRole('button', { name: 'Delete Payments' }).click();
    await page.getByRole('button', { name: 'Yes, delete' }).click();
    await status(page, 'Team “Payments” deleted.').waitFor();
    assert.deepEqual((await admin.req('GET', `/workspaces/${admin.ws}/teams`)).items, []);
  });

  step('tags and labels: create with a colour, rename (reaches conversations), delete', async () => {
    const apiInbox = await admin.req('POST', `/workspaces/${admin.ws}/inboxes`, { name: 'Website API', channel: 'api', config: {} });
    const { conversation_id: cid } = await admin.inbound(apiInbox.inbound_token, { sourceId: 'cus-1', name: 'Cara Customer', content: 'Where is my invoice?' });

    await settingsNav(page, 'Tags');
    await page.getByRole('form', { name: 'New tag' }).getByLabel('Name').fill('VIP');
    await page.getByRole('form', { name: 'New tag' }).getByLabel('Colour').selectOption({ label: 'Blue' });
    await page.getByRole('button', { name: 'Create tag' }).click();
    await status(page, 'The tag “VIP” was created.').waitFor();
    await admin.req('PATCH', `/workspaces/${admin.ws}/conversations/${cid}`, { tags: ['VIP'] });
    await checkScreen(page, '32-settings-tags');

    await page.getByRole('button', { name: 'Edit VIP' }).click();
    const edit = page.getByRole('form', { name: 'Edit tag VIP' });
    await edit.getByLabel('Name').fill('Gold');
    await edit.getByLabel('Colour').selectOption({ label: 'Yellow' });
    await edit.getByRole('button', { name: 'Save' }).click();
    await status(page, 'Renamed “VIP” to “Gold” everywhere it was used.').waitFor();
    assert.deepEqual((await admin.req('GET', `/workspaces/${admin.ws}/conversations/${cid}`)).tags, ['Gold']);
    const tags = await admin.req('GET', `/workspaces/${admin.ws}/tags`);
    assert.deepEqual(tags.items.map((t) => [t.name, t.color]), [['Gold', '#ca8a04']]);

    await page.getByRole('button', { name: 'Delete Gold' }).click();
    await page.getByRole('button', { name: 'Yes, delete' }).click();
    await status(page, 'Deleted “Gold”').waitFor();
    assert.deepEqual((await admin.req('GET', `/workspaces/${admin.ws}/conversations/${cid}`)).tags, []);

    await settingsNav(page, 'Labels');
    await page.getByRole('form', { name: 'New label' }).getByLabel('Name').fill('Escalated');
    await page.getByRole('button', { name: 'Create label' }).click();
    await status(page, 'The label “Escalated” was created.').waitFor();
    await page.getByRole('list', { name: 'Labels' }).getByText('Escalated').waitFor();
    await checkScreen(page, '33-settings-labels');
  });

  step('workspace settings: what agents see is saved', async () => {
    await settingsNav(page, 'Workspace');
    await page.getByLabel('Only theirs').check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await status(page, 'Workspace settings saved.').waitFor();
    const w = await admin.req('GET', `/workspaces/${admin.ws}`);
    assert.equal(w.settings.agent_scope, 'assigned');
    await checkScreen(page, '34-settings-workspace');
  });

  step('personal API tokens: the token is shown once, works, and stops working when revoked', async () => {
    await settingsNav(page, 'API tokens');
    await page.getByText('You have no API tokens.').waitFor();
    await page.getByRole('form', { name: 'New API token' }).getByLabel('Name').fill('Nightly export');
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByText('Copy it now: it is shown only once.').waitFor();
    const token = await page.getByRole('group', { name: 'New token' }).getByRole('textbox', { name: 'Token', exact: true }).inputValue();
    assert.match(token, /^pat_/);
    await page.getByRole('button', { name: 'Copy token' }).click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), token);
    await checkScreen(page, '35-settings-tokens');
    const asToken = new Api(server.url, token);
    assert.equal((await asToken.req('GET', '/me')).user.email, ADMIN.email);

    // Shown once: after a reload only the name is listed.
    await page.reload();
    await page.getByRole('cell', { name: 'Nightly export', exact: true }).waitFor();
    assert.equal(await page.getByText(token).count(), 0);
    assert.equal(await page.getByRole('group', { name: 'New token' }).count(), 0);

    await page.getByRole('button', { name: 'Revoke Nightly export' }).click();
    await page.getByRole('button', { name: 'Yes, revoke' }).click();
    await status(page, 'Token “Nightly export” revoked.').waitFor();
    await assert.rejects(asToken.req('GET', '/me'), /401/);
  });

  step('an unknown address shows a not-found page that leads back to the inbox', async () => {
    await page.goto('/no/such/page');
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await checkScreen(page, '36-not-found');
    await page.goto('/settings/nowhere');
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await page.getByRole('link', { name: 'Back to the inbox' }).click();
    await inbox(page).waitFor();
    assert.equal(new URL(page.url()).pathname, '/');
  });

  step('the workspace switcher opens another workspace without a reload and remembers it', async () => {
    // A second workspace made with the CLI; its admin adds Sam to it.
    await promisify(execFile)(bin, [
      'user', 'create', '--email', OTHER.email, '--password', OTHER.password, '--name', OTHER.name,
      '--workspace', 'Other Co', '--role', 'admin', '--data-dir', server.dataDir,
    ], { env: { ...process.env, PARLEY_DATA_DIR: server.dataDir } });
    const olga = await new Api(server.url).login(OTHER.email, OTHER.password);
    const otherWS = (await olga.req('GET', '/me')).workspaces[0].id;
    olga.ws = otherWS;
    await join(olga, ADMIN, 'admin', admin);

    await page.goto('/settings/members');
    const switcher = page.getByRole('banner').getByLabel('Workspace');
    await switcher.waitFor();
    assert.equal(await switcher.inputValue(), admin.ws);
    // A marker on window survives only if the page is not reloaded.
    await page.evaluate(() => {
      window.__noReload = true;
    });
    await switcher.selectOption({ label: 'Other Co' });
    await main(page).getByRole('rowheader', { name: /Olga Other/ }).waitFor();
    assert.equal(await page.evaluate(() => window.__noReload), true, 'switching must not reload the page');
    assert.equal(new URL(page.url()).pathname, '/settings/members');
    await checkScreen(page, '37-workspace-switcher');

    await page.reload();
    await main(page).getByRole('rowheader', { name: /Olga Other/ }).waitFor();
    assert.equal(await page.getByRole('banner').getByLabel('Workspace').inputValue(), otherWS);
    await page.getByRole('banner').getByLabel('Workspace').selectOption({ label: 'Acme Support' });
    await main(page).getByRole('rowheader', { name: /Bo Agent/ }).waitFor();
  });

  step('an admin invites a colleague, who follows the link, sets a password and lands in the inbox', async () => {
    await page.goto('/settings/members');
    await page.getByRole('button', { name: 'Invite a member' }).click();
    const form = page.getByRole('form', { name: 'Invite a member' });
    await form.getByLabel('Email').fill(NEWCOMER.email);
    await form.getByLabel('Role').selectOption('agent');
    await form.getByRole('button', { name: 'Create invite link' }).click();
    const linkField = page.getByRole('group', { name: 'Invite link' }).getByRole('textbox', { name: 'Invite link', exact: true });
    await linkField.waitFor();
    await page.getByRole('button', { name: 'Copy invite link' }).click();
    const link = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(link, await linkField.inputValue());
    assert.match(link, /\/invite\?token=/);
    await page.getByRole('list', { name: 'Pending invites' }).getByText(NEWCOMER.email).waitFor();
    await checkScreen(page, '38-settings-invite');

    const colleague = await newPage(browser, server.url);
    try {
      const u = new URL(link);
      await colleague.goto(u.pathname + u.search);
      await colleague.getByRole('heading', { name: 'Join Acme Support' }).waitFor();
      await colleague.getByLabel('Your name').fill(NEWCOMER.name);
      await colleague.getByLabel('Password', { exact: true }).fill('short');
      await colleague.getByText('5 of at least 8 characters.').waitFor();
      await colleague.getByLabel('Password', { exact: true }).fill(NEWCOMER.password);
      await colleague.getByLabel('Confirm password').fill(NEWCOMER.password);
      await checkScreen(colleague, '39-invite-accept');
      await colleague.getByRole('button', { name: 'Join Acme Support' }).click();
      await inbox(colleague).waitFor();
      assert.equal(new URL(colleague.url()).pathname, '/');
      await colleague.getByRole('banner').getByText(NEWCOMER.name).waitFor();
    } finally {
      await colleague.context().close();
    }
    const users = await admin.req('GET', `/workspaces/${admin.ws}/users`);
    assert.equal(users.items.find((m) => m.email === NEWCOMER.email)?.role, 'agent');
  });

  step('invites are resent and revoked; an admin makes a password-reset link; "Forgot password?" answers', async () => {
    await page.goto('/settings/members');
    await page.getByRole('button', { name: 'Invite a member' }).click();
    const form = page.getByRole('form', { name: 'Invite a member' });
    await form.getByLabel('Email').fill('zed@example.com');
    await form.getByRole('button', { name: 'Create invite link' }).click();
    const linkField = page.getByRole('group', { name: 'Invite link' }).getByRole('textbox', { name: 'Invite link', exact: true });
    await linkField.waitFor();
    const first = await linkField.inputValue();
    await page.getByRole('button', { name: 'Resend invite to zed@example.com' }).click();
    await status(page, 'A new link for zed@example.com').waitFor();
    const second = await linkField.inputValue();
    assert.notEqual(second, first, 'a resent invite has a new link');
    await page.getByRole('button', { name: 'Revoke invite to zed@example.com' }).click();
    await page.getByRole('button', { name: 'Yes, revoke' }).click();
    await status(page, 'The invite to zed@example.com was revoked.').waitFor();
    await page.getByRole('list', { name: 'Pending invites' }).waitFor({ state: 'detached' });
    const lookup = await fetch(`${server.url}/api/v1/invites/lookup?token=${new URL(second).searchParams.get('token')}`);
    assert.equal(lookup.status, 404, 'a revoked link no longer works');

    await page.getByRole('button', { name: 'Send password-reset link to Bo Agent' }).click();
    const reset = page.getByRole('group', { name: 'Password-reset link' }).getByRole('textbox', { name: 'Password-reset link', exact: true });
    await reset.waitFor();
    assert.match(await reset.inputValue(), /\/reset-password\?token=/);
    await checkScreen(page, '40-settings-reset-link');

    const anon = await newPage(browser, server.url);
    try {
      await anon.goto('/login');
      await anon.getByRole('button', { name: 'Forgot password?' }).click();
      await anon.getByLabel('Email').fill(AGENT.email);
      await anon.getByRole('button', { name: 'Send reset link' }).click();
      await anon.getByRole('status').waitFor();
      await checkScreen(anon, '41-forgot-password');
      // The link the admin made sets a new password.
      const u = new URL(await reset.inputValue());
      await anon.goto(u.pathname + u.search);
      await anon.getByLabel('Password', { exact: true }).fill('a fresh long password');
      await anon.getByLabel('Confirm password').fill('a fresh long password');
      await anon.getByRole('button', { name: 'Set password' }).click();
      await anon.getByText('Your new password is set.').waitFor();
    } finally {
      await anon.context().close();
    }
    await new Api(server.url).login(AGENT.email, 'a fresh long password');
  });
});
