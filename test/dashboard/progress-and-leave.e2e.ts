// The dashboard in Chromium against a real gateway (Postgres, in-process devnet, a real SDK peer): the overview explains
// each counter and shows messages received by an identity nobody listens to; a slow answer shows progress (aria-busy
// and a spinner) on each page; an admin leaves the tenant from the account page and lands on the login page, while the
// last owner is told to make another owner first. Screenshots: test-artifacts/dashboard/.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { createTestClients, type TestClients } from '@mailroom/xmtp/testing';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startTestGateway, xmtpNodeUrl, type TestGateway } from '../support/gateway.js';
import { launchChromium, PHONE, screenshotBothSizes } from './browser.js';

let database: TestDatabase;
let gateway: TestGateway;
let browser: Browser;
let peers: TestClients;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

const suffix = randomBytes(4).toString('hex');
const owner = { email: `owner-${suffix}@leave.test`, password: `pw-${randomBytes(12).toString('base64url')}` };
const member = { email: `member-${suffix}@leave.test`, password: `pw-${randomBytes(12).toString('base64url')}` };
let ownerToken: string;
let quietIdentityId: string;

const admin = (to = '') => `${gateway.url}/admin${to}`;

async function api<T>(
  token: string,
  method: string,
  route: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${gateway.url}${route}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

async function signedInPage(who: { email: string; password: string }, to: string, heading: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  await page.goto(admin(to));
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: heading, exact: true }).waitFor();
  return page;
}

beforeAll(async () => {
  database = await createTestDatabase();
  [gateway, browser] = await Promise.all([startTestGateway({ DATABASE_URL: database.url }), launchChromium()]);
  const signup = await fetch(`${gateway.url}/v1/admin/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenantName: 'Leave Test Inc', ...owner }),
  });
  expect(signup.status).toBe(201);
  ownerToken = ((await signup.json()) as { accessToken: string }).accessToken;
  const invite = await api<{ token: string }>(ownerToken, 'POST', '/v1/admin/invitations', {
    email: member.email,
    role: 'admin',
  });
  expect(invite.status).toBe(201);
  const accepted = await fetch(`${gateway.url}/v1/admin/invitations/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: invite.body.token, password: member.password }),
  });
  expect(accepted.status).toBe(200);
  peers = await createTestClients(xmtpNodeUrl(gateway), 1);
}, 120_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await peers?.cleanup();
  await gateway?.close();
  await database?.drop();
});

describe('dashboard: counters explained, progress while loading, leaving the tenant', () => {
  it('the overview explains every counter and counts messages received by an identity nobody listens to', async () => {
    const identity = await api<{ id: string; inboxId: string }>(ownerToken, 'POST', '/v1/identities', {
      label: 'quiet inbox',
    });
    expect(identity.status).toBe(201);
    quietIdentityId = identity.body.id;
    const dm = await peers.clients[0]!.client.conversations.createDm(identity.body.inboxId);
    await dm.sendText('hello 1');
    await dm.sendText('hello 2');
    // No webhook, no subscriber: the messages are counted when an API read syncs them.
    let texts: string[] = [];
    for (let attempt = 0; attempt < 40 && texts.length < 2; attempt++) {
      const listed = await api<{ items: { text?: string | null }[] }>(
        ownerToken,
        'GET',
        `/v1/identities/${identity.body.id}/conversations/${dm.id}/messages`,
      );
      texts =
        listed.status === 200 ? listed.body.items.map((m) => m.text ?? '').filter((t) => t.startsWith('hello')) : [];
      if (texts.length < 2) await new Promise((r) => setTimeout(r, 500));
    }
    expect(texts).toHaveLength(2);

    const page = await signedInPage(owner, '/', 'Overview');
    await page.locator('dl[aria-label="Key numbers"]').waitFor();
    const received = page.locator('.stat', { has: page.locator('dt', { hasText: 'Messages received' }) });
    await expect(received.locator('.stat-value').textContent()).resolves.toBe('2');
    const meanings = {
      Identities: /not deleted/,
      'Live clients': /client open/,
      'Messages sent': /sent through the API/,
      'Messages received': /counted once/,
      'Webhook success': /2xx/,
    };
    for (const [label, meaning] of Object.entries(meanings)) {
      const stat = page.locator('.stat', { has: page.locator('dt', { hasText: label }) });
      const explanation = stat.locator('.stat-meaning');
      expect(await explanation.isVisible()).toBe(true);
      expect(await explanation.textContent()).toMatch(meaning);
      // Screen readers hear it with the value.
      const describedBy = await stat.locator('dd').getAttribute('aria-describedby');
      expect(describedBy).toBe(await explanation.getAttribute('id'));
    }
    const { phoneScrollWidth } = await screenshotBothSizes(page, 'overview-explained');
    expect(phoneScrollWidth).toBeLessThanOrEqual(PHONE.width);
  }, 120_000);

  it('a slow answer shows progress: the section is aria-busy and a spinner with a label appears', async () => {
    const page = await signedInPage(owner, '/', 'Overview');
    const pages: { to: string; api: RegExp; label: RegExp }[] = [
      { to: '/', api: /\/v1\/usage(\?|$)/, label: /Loading usage/ },
      { to: '/identities', api: /\/v1\/identities(\?|$)/, label: /Loading/ },
      { to: '/api-keys', api: /\/v1\/api-keys(\?|$)/, label: /Loading/ },
      { to: '/webhooks', api: /\/v1\/webhooks(\?|$)/, label: /Loading/ },
      { to: '/team', api: /\/v1\/admin\/users(\?|$)/, label: /Loading/ },
      { to: '/settings', api: /\/v1\/settings(\?|$)/, label: /Loading/ },
      { to: '/audit-log', api: /\/v1\/audit-log(\?|$)/, label: /Loading/ },
      { to: `/identities/${quietIdentityId}`, api: new RegExp(`/v1/identities/${quietIdentityId}$`), label: /Loading/ },
      {
        to: `/identities/${quietIdentityId}/conversations`,
        api: new RegExp(`/v1/identities/${quietIdentityId}/conversations(\\?|$)`),
        label: /Loading/,
      },
    ];
    for (const target of pages) {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const handler = async (route: Route) => {
        await held;
        await route.continue().catch(() => undefined);
      };
      await page.route(target.api, handler);
      await page.goto(admin(target.to));
      const busy = page.locator('[aria-busy="true"]').first();
      await busy.waitFor();
      const status = page.getByRole('status').filter({ hasText: target.label }).first();
      await status.waitFor();
      expect(await status.locator('.spinner').isVisible()).toBe(true);
      if (target.to === '/') await screenshotBothSizes(page, 'slow-load-progress');
      release();
      await page.unroute(target.api, handler);
      // Once the answer is in, nothing is busy and the progress is gone.
      await page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached' });
      expect(await page.getByRole('status').filter({ hasText: target.label }).count()).toBe(0);
    }
  }, 120_000);

  it('empty lists say what to do next', async () => {
    const page = await signedInPage(member, '/webhooks', 'Webhooks');
    const empty = page.locator('.empty');
    await empty.first().waitFor();
    expect(await empty.first().locator('.empty-body').textContent()).toMatch(/Add one above/);
    await page.goto(admin('/api-keys'));
    await page.getByRole('heading', { name: 'API keys', exact: true }).waitFor();
    await page.locator('.empty').first().waitFor();
    expect(await page.locator('.empty .empty-body').first().textContent()).toMatch(/Create one above/);
  }, 60_000);

  it('the last owner is told to make another owner first; an admin leaves and lands on the login page', async () => {
    const ownerPage = await signedInPage(owner, '/account', 'Your account');
    await ownerPage.getByRole('button', { name: 'Leave tenant' }).click();
    const ownerDialog = ownerPage.getByRole('dialog', { name: 'Leave this tenant?' });
    await ownerDialog.getByRole('button', { name: 'Leave tenant' }).click();
    const refusal = ownerPage.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/last owner/i);
    expect(ownerPage.url()).toBe(admin('/account'));

    const page = await signedInPage(member, '/account', 'Your account');
    await page.getByRole('button', { name: 'Leave tenant' }).click();
    const dialog = page.getByRole('dialog', { name: 'Leave this tenant?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toMatch(/signed out/);
    // Cancel first: nothing happens.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Leave tenant' }).click();
    await screenshotBothSizes(page, 'leave-tenant-confirm');
    await dialog.getByRole('button', { name: 'Leave tenant' }).click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/login');

    const team = await api<{ items: { email: string }[] }>(ownerToken, 'GET', '/v1/admin/users');
    expect(team.body.items.map((u) => u.email)).toEqual([owner.email]);
    const login = await fetch(`${gateway.url}/v1/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(member),
    });
    expect(login.status).toBe(401);
    expect(pageErrors).toEqual([]);
  }, 90_000);
});
