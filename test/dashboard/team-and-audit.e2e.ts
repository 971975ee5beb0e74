// The dashboard's team and account pages in Chromium against a real gateway (Postgres, in-process devnet): invite an
// admin and accept the copied link in a fresh browser context, change a role and remove an admin, change your own
// password, and reset a password from the mailed link. Screenshots: test-artifacts/dashboard/.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Mailer, type MailMessage } from '../../apps/gateway/src/modules/mail/index.js';
import type { TestGateway } from '../support/gateway.js';
import { openPage, shootPage, signUpOwner, startDashboardStage, type DashboardStage } from './browser.js';

let stage: DashboardStage;
let gateway: TestGateway;
let browser: Browser;
let ownerContext: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
const mails: MailMessage[] = [];

const suffix = randomBytes(4).toString('hex');
const owner = { email: `owner-${suffix}@team.test`, password: `pw-${randomBytes(12).toString('base64url')}` };
const invitee = { email: `invitee-${suffix}@team.test`, password: `pw-${randomBytes(12).toString('base64url')}` };

const admin = (to = '') => `${gateway.url}/admin${to}`;

async function login(email: string, password: string): Promise<Response> {
  return fetch(`${gateway.url}/v1/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
}

async function adminToken(email: string, password: string): Promise<string> {
  const answer = await login(email, password);
  expect(answer.status).toBe(200);
  return ((await answer.json()) as { accessToken: string }).accessToken;
}

async function team(token: string): Promise<{ id: string; email: string; role: string }[]> {
  const answer = await fetch(`${gateway.url}/v1/admin/users`, { headers: { authorization: `Bearer ${token}` } });
  return ((await answer.json()) as { items: { id: string; email: string; role: string }[] }).items;
}

const newPage = (context: BrowserContext) => openPage(context, pageErrors);

beforeAll(async () => {
  stage = await startDashboardStage({ MAILER: 'none', OUTBOUND_ALLOWLIST: '127.0.0.1' });
  ({ gateway, browser } = stage);
  const mailer = gateway.app.get(Mailer);
  jest.spyOn(mailer, 'send').mockImplementation(async (message: MailMessage) => {
    mails.push(message);
  });
  await signUpOwner(gateway, 'Team Test Inc', owner);
  ownerContext = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  page = await newPage(ownerContext);
}, 60_000);

afterAll(async () => {
  await stage?.close();
});

describe('team and account pages in chromium', () => {
  let invitationLink = '';

  it('invites an admin and shows the invitation link once to copy', async () => {
    await page.goto(admin('/team'));
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Team' }).waitFor();
    const me = page.getByTestId('member-row');
    await me.first().waitFor();
    await expect(me.count()).resolves.toBe(1);
    await expect(me.textContent()).resolves.toContain('you');
    await page.getByText('You are the only admin').waitFor();

    await page.getByLabel('Email').fill(invitee.email);
    await page.getByLabel('Role').selectOption('admin');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    const secret = page.getByTestId('secret-once');
    await secret.waitFor();
    invitationLink = await secret.getByRole('textbox').inputValue();
    expect(invitationLink).toMatch(new RegExp(`^${gateway.url}/admin/accept-invitation#token=mri_`));
    await shootPage(page, 'team-01-invited');
    await page.getByRole('button', { name: 'I have saved it' }).click();
    expect(await page.content()).not.toContain(invitationLink.split('#token=')[1]!);
  });

  it('accepts the invitation in a fresh browser context, sets a password and lands on the overview as that admin', async () => {
    const fresh = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const inviteePage = await newPage(fresh);
    await inviteePage.goto(invitationLink);
    await inviteePage.getByRole('heading', { name: 'Join the team' }).waitFor();
    await shootPage(inviteePage, 'team-02-accept-invitation');
    await inviteePage.getByLabel('Password').fill(invitee.password);
    await inviteePage.getByRole('button', { name: 'Accept invitation' }).click();
    await inviteePage.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(new URL(inviteePage.url()).pathname).toBe('/admin/');
    await expect(inviteePage.locator('.account-email').textContent()).resolves.toBe(invitee.email);

    // The new admin's password works, and the link works only once.
    expect((await login(invitee.email, invitee.password)).status).toBe(200);
    await inviteePage.getByRole('button', { name: 'Log out' }).click();
    await inviteePage.getByRole('heading', { name: 'Log in' }).waitFor();
    await inviteePage.goto(invitationLink);
    await inviteePage.getByLabel('Password').fill(invitee.password);
    await inviteePage.getByRole('button', { name: 'Accept invitation' }).click();
    await inviteePage
      .getByRole('alert')
      .filter({ hasText: 'Invitation not found, already used or expired.' })
      .waitFor();
    await fresh.close();
  });

  it('changes a member’s role and removes a member', async () => {
    await page.reload();
    const row = page.getByTestId('member-row').filter({ hasText: invitee.email });
    await row.waitFor();
    await row.getByLabel(`Role of ${invitee.email}`).selectOption('viewer');
    const token = await adminToken(owner.email, owner.password);
    for (let i = 0; i < 50 && (await team(token)).find((m) => m.email === invitee.email)?.role !== 'viewer'; i++)
      await page.waitForTimeout(100);
    expect((await team(token)).find((m) => m.email === invitee.email)?.role).toBe('viewer');
    await shootPage(page, 'team-03-members');

    await row.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove admin' }).click();
    await row.waitFor({ state: 'detached' });
    expect((await team(token)).map((m) => m.email)).toEqual([owner.email]);
    expect((await login(invitee.email, invitee.password)).status).toBe(401);
  });

  it('shows the key creation in the audit log, by whom, and filters by action and actor', async () => {
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('Name').fill('audited key');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByTestId('secret-once').waitFor();
    await page.getByRole('button', { name: 'I have saved it' }).click();

    await page.getByRole('link', { name: 'Audit log' }).click();
    const created = page.getByTestId('audit-row').filter({ hasText: 'api_key.created' });
    await created.waitFor();
    await expect(created.count()).resolves.toBe(1);
    const text = await created.textContent();
    expect(text).toContain('audited key');
    expect(text).toContain(owner.email); // the actor, an admin, by email
    await expect(page.getByTestId('audit-row').filter({ hasText: 'admin.invitation_accepted' }).count()).resolves.toBe(
      1,
    );
    await shootPage(page, 'audit-01-log');

    // A resource prefix narrows it to the team's changes, newest first.
    await page.getByLabel('Action').fill('admin.*');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await created.waitFor({ state: 'detached' });
    // The old rows go first and the filtered page arrives after: wait for its newest team change.
    await page.locator('[data-testid="audit-row"][data-action="admin.removed"]').waitFor();
    const actions = await page
      .getByTestId('audit-row')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-action')));
    const teamChanges = actions.filter((action) => action !== 'admin.login');
    expect(teamChanges.slice(0, 4)).toEqual([
      'admin.removed',
      'admin.role_changed',
      'admin.invitation_accepted',
      'admin.invited',
    ]);
    expect(actions.every((action) => action!.startsWith('admin.'))).toBe(true);
    await shootPage(page, 'audit-02-filtered');

    // Nothing was done with an API key: the empty state says what to try.
    await page.getByLabel('Action').fill('');
    await page.getByRole('combobox', { name: /^Actor/ }).selectOption('api_key');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No entries match these filters').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await created.waitFor();
  });

  it('changes your own password: this tab continues, the old password stops working', async () => {
    await page.getByRole('link', { name: owner.email }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    const wrong = 'not my password at all';
    await page.getByLabel('Current password').fill(wrong);
    await page.getByLabel('New password').fill('a brand new password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('alert').waitFor();
    await shootPage(page, 'account-01-password-error');

    const newPassword = `new-${randomBytes(12).toString('base64url')}`;
    await page.getByLabel('Current password').fill(owner.password);
    await page.getByLabel('New password').fill(newPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed. Other sessions have ended.').waitFor();
    expect((await login(owner.email, owner.password)).status).toBe(401);
    expect((await login(owner.email, newPassword)).status).toBe(200);
    owner.password = newPassword;
    // The tab's new session still works.
    await page.getByRole('link', { name: 'Team', exact: true }).click();
    await page.getByTestId('member-row').first().waitFor();
    await shootPage(page, 'account-02-password-changed');
  });

  it('resets a forgotten password from the mailed #token= link', async () => {
    const asked = await fetch(`${gateway.url}/v1/admin/password-reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: owner.email }),
    });
    expect(asked.status).toBe(202);
    for (let i = 0; i < 50 && !mails.some((m) => m.to === owner.email); i++) await page.waitForTimeout(100);
    const mail = mails.find((m) => m.to === owner.email && m.subject.includes('Reset'))!;
    const link = /(http\S+\/admin\/reset-password#token=\S+)/.exec(mail.text)![1]!;

    const fresh = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const resetPage = await newPage(fresh);
    await resetPage.goto(link.replace(/^http:\/\/[^/]+/, gateway.url));
    await resetPage.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await shootPage(resetPage, 'account-03-reset-password');
    const resetTo = `reset-${randomBytes(12).toString('base64url')}`;
    await resetPage.getByLabel('New password').fill(resetTo);
    await resetPage.getByRole('button', { name: 'Set new password' }).click();
    await resetPage.getByText('Your password is changed').waitFor();
    expect((await login(owner.email, resetTo)).status).toBe(200);
    expect((await login(owner.email, owner.password)).status).toBe(401);
    owner.password = resetTo;
    await resetPage.getByRole('link', { name: 'Log in with the new password' }).click();
    await resetPage.getByRole('heading', { name: 'Log in' }).waitFor();
    await fresh.close();
  });

  it('shows a viewer no write controls on any page', async () => {
    const token = await adminToken(owner.email, owner.password);
    const post = async <T>(path: string, body: unknown): Promise<T> => {
      const answer = await fetch(`${gateway.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(answer.ok).toBe(true);
      return (await answer.json()) as T;
    };
    const identity = await post<{ id: string }>('/v1/identities', { label: 'viewer sees me' });
    const webhook = await post<{ id: string }>('/v1/webhooks', {
      url: 'http://127.0.0.1:9/hook',
      events: ['message.received'],
    });
    const delivery = await post<{ id: string }>(`/v1/webhooks/${webhook.id}/test`, {});
    const viewer = { email: `viewer-${suffix}@team.test`, password: `pw-${randomBytes(12).toString('base64url')}` };
    const invitation = await post<{ token: string }>('/v1/admin/invitations', { email: viewer.email, role: 'viewer' });
    const accept = await fetch(`${gateway.url}/v1/admin/invitations/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: invitation.token, password: viewer.password }),
    });
    expect(accept.status).toBe(200);

    const fresh = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const viewerPage = await newPage(fresh);
    await viewerPage.goto(admin('/login'));
    await viewerPage.getByLabel('Email').fill(viewer.email);
    await viewerPage.getByLabel('Password').fill(viewer.password);
    await viewerPage.getByRole('button', { name: 'Log in' }).click();
    await viewerPage.getByRole('heading', { name: 'Overview' }).waitFor();

    const WRITE =
      /^(Create|Add endpoint|Revoke|Delete|Rotate|Pause|Resume|Retry|Save settings|Reset to defaults|Send invitation|Send test event|Remove|Allow|Deny)/;
    const pages = [
      { path: '/api-keys', ready: 'Keys' },
      { path: '/identities', ready: 'All identities' },
      { path: `/identities/${identity.id}`, ready: 'Inbox state' },
      { path: `/identities/${identity.id}/conversations`, ready: 'Conversations' },
      { path: '/webhooks', ready: 'Endpoints' },
      { path: `/webhooks/${webhook.id}`, ready: 'Deliveries' },
      { path: `/webhooks/${webhook.id}/deliveries/${delivery.id}`, ready: 'Body as sent' },
      { path: '/team', ready: 'Members' },
      { path: '/audit-log', ready: 'Entries' },
      { path: '/settings', ready: 'Attachments' },
    ];
    for (const target of pages) {
      await viewerPage.goto(admin(target.path));
      await viewerPage.getByText(target.ready, { exact: true }).first().waitFor();
      // Settled before the next navigation: a reload during the session refresh would reuse its refresh token.
      await viewerPage.waitForLoadState('networkidle');
      await viewerPage
        .locator('.loading')
        .first()
        .waitFor({ state: 'detached' })
        .catch(() => undefined);
      const buttons = await viewerPage.locator('main button').allTextContents();
      expect({ page: target.path, write: buttons.map((b) => b.trim()).filter((b) => WRITE.test(b)) }).toEqual({
        page: target.path,
        write: [],
      });
      await expect(viewerPage.locator('main select[aria-label^="Role of"]').count()).resolves.toBe(0);
    }
    // Reading stays possible: the delivery list still refreshes for a viewer.
    await viewerPage.goto(admin(`/webhooks/${webhook.id}`));
    await viewerPage.getByTestId('delivery-row').first().waitFor();
    await expect(viewerPage.getByRole('button', { name: 'Refresh' }).count()).resolves.toBe(1);
    await viewerPage.goto(admin('/team'));
    await viewerPage.getByTestId('member-row').filter({ hasText: viewer.email }).waitFor();
    await shootPage(viewerPage, 'team-04-viewer');
    await fresh.close();
  });

  it('shows the problem’s detail when the API refuses an action (an admin changing the owner)', async () => {
    const token = await adminToken(owner.email, owner.password);
    const colleague = { email: `admin-${suffix}@team.test`, password: `pw-${randomBytes(12).toString('base64url')}` };
    const invite = await fetch(`${gateway.url}/v1/admin/invitations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: colleague.email, role: 'admin' }),
    });
    const { token: invitationToken } = (await invite.json()) as { token: string };
    const fresh = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const adminPage = await newPage(fresh);
    await adminPage.goto(`${gateway.url}/admin/accept-invitation#token=${encodeURIComponent(invitationToken)}`);
    await adminPage.getByLabel('Password').fill(colleague.password);
    await adminPage.getByRole('button', { name: 'Accept invitation' }).click();
    await adminPage.getByRole('heading', { name: 'Overview' }).waitFor();
    await adminPage.getByRole('link', { name: 'Team', exact: true }).click();
    await adminPage.getByLabel(`Role of ${owner.email}`).selectOption('viewer');
    await adminPage
      .getByRole('alert')
      .filter({ hasText: 'Only an owner can grant the owner role or change an owner.' })
      .waitFor();
    expect((await team(token)).find((m) => m.email === owner.email)?.role).toBe('owner');
    await shootPage(adminPage, 'team-05-refused');
    await fresh.close();
    expect(pageErrors).toEqual([]);
  });
});
