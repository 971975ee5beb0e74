// The identity page's tools in Chromium against a real gateway (Postgres, in-process devnet, real SDK peers):
// installations against XMTP's budget and revoke-others on an inbox with two installations, broadcasts to 3 peers
// started from pasted recipients and from an uploaded CSV file and followed to "completed", the push endpoint, and a
// viewer who sees none of the write controls. Screenshots, light and dark: test-artifacts/dashboard/scheme-*-identity-*.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { privateKeyToAddress, generatePrivateKey } from 'viem/accounts';
import { createTestClients, eoaWallet, type TestClient, type TestClients } from '@mailroom/xmtp/testing';
import { xmtpNodeUrl, type TestGateway } from '../support/gateway.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import {
  newAdmin as newAdminOf,
  openPage,
  shootPage,
  signUpOwner,
  startDashboardStage,
  type DashboardStage,
} from './browser.js';

let stage: DashboardStage;
let gateway: TestGateway;
let browser: Browser;
let receiver: WebhookReceiver;
let peers: TestClients;
let owner: Page;
let ownerToken = '';
const pageErrors: string[] = [];

const suffix = randomBytes(4).toString('hex');
const newAdmin = (name: string) => newAdminOf(name, 'identity-tools.test');
const ownerAccount = newAdmin('owner');
const TEXT_PASTED = `Pasted broadcast ${suffix}`;
const TEXT_CSV = `CSV broadcast ${suffix}`;
/** The identity imported from this wallet, which an SDK client also holds: two installations of one inbox. */
const wallet = eoaWallet();
const state: { identityId?: string; inboxId?: string; pastedBroadcast?: string; csvBroadcast?: string } = {};

const admin = (to = '') => `${gateway.url}/admin${to}`;

async function api<T>(
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const answer = await fetch(`${gateway.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await answer.text();
  return { status: answer.status, body: (text ? JSON.parse(text) : undefined) as T };
}

async function signedInPage(
  account: { email: string; password: string },
  colorScheme: 'light' | 'dark' = 'light',
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme });
  const page = await openPage(context, pageErrors, 20_000);
  await page.goto(admin('/login'));
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  return { context, page };
}

/** Waits until the page has no spinner left (sections load side by side). */
async function settled(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  for (let i = 0; i < 50 && (await page.locator('.loading').count()) > 0; i++) await page.waitForTimeout(200);
}

async function shoot(page: Page, name: string): Promise<void> {
  await settled(page);
  await shootPage(page, name);
}

async function expectMessageAt(peer: TestClient, text: string): Promise<void> {
  await peer.client.conversations.sync();
  const dm = peer.client.conversations.getDmByInboxId(state.inboxId!);
  expect(dm).toBeDefined();
  await dm!.sync();
  expect((await dm!.messages()).filter((m) => m.content === text)).toHaveLength(1);
}

/** The broadcast page after starting one: polled until it reads completed. */
async function waitForCompleted(page: Page): Promise<string> {
  await page.waitForURL(/\/broadcasts\/[0-9a-f-]{36}$/);
  await page.getByTestId('broadcast-status').filter({ hasText: 'completed' }).waitFor({ timeout: 120_000 });
  return new URL(page.url()).pathname.split('/').pop()!;
}

beforeAll(async () => {
  receiver = await WebhookReceiver.start();
  receiver.answerByDefault(200);
  stage = await startDashboardStage({
    OUTBOUND_ALLOWLIST: '127.0.0.1',
    WEBHOOK_POLL_INTERVAL_MS: '100',
    EVENT_RECONCILE_INTERVAL_MS: '2000',
  });
  ({ gateway, browser } = stage);
  peers = await createTestClients(xmtpNodeUrl(gateway), 3);
  ownerToken = await signUpOwner(gateway, 'Identity Tools Inc', ownerAccount);
  // The wallet's own SDK installation first, then Mailroom's: the imported identity's inbox has two.
  await peers.add(wallet);
  const imported = await api<{ id: string; inboxId: string; status: string }>(
    ownerToken,
    'POST',
    '/v1/identities/import',
    { privateKey: wallet.privateKey, label: 'newsletter' },
  );
  expect(imported.status).toBe(201);
  state.identityId = imported.body.id;
  state.inboxId = imported.body.inboxId;
  owner = (await signedInPage(ownerAccount)).page;
}, 180_000);

afterAll(async () => {
  await stage?.close();
  await peers?.cleanup();
  await receiver?.close();
});

describe('identity tools in chromium', () => {
  it('shows both installations against the budget, marks Mailroom’s, and revokes the other after a keyboard confirm', async () => {
    await owner.goto(admin(`/identities/${state.identityId}`));
    const rows = owner.getByTestId('installation-row');
    await rows.nth(1).waitFor();
    await expect(rows.count()).resolves.toBe(2);
    await expect(owner.locator('[data-testid=installation-row][data-current=true]').count()).resolves.toBe(1);
    await expect(owner.getByTestId('installation-budget').textContent()).resolves.toBe(
      '8 of XMTP’s 10 installations per inbox left.',
    );
    await expect(owner.getByLabel('Installations: 2 of 10').count()).resolves.toBe(1);
    // Empty states say what to do next.
    await owner.getByText('No broadcasts yet').waitFor();
    await owner.getByText('Start one below').waitFor();
    await owner.getByText('No push endpoint').waitFor();

    // Keyboard only: the dialog opens on Enter with focus on Cancel, Escape closes it, Enter again and confirm.
    const revoke = owner.getByRole('button', { name: 'Revoke other installations' });
    await revoke.focus();
    await owner.keyboard.press('Enter');
    const dialog = owner.getByRole('dialog', { name: 'Revoke every other installation?' });
    await dialog.waitFor();
    await expect(dialog.textContent()).resolves.toContain('1 installation of this inbox stops working');
    await expect(owner.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Cancel');
    await owner.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await revoke.focus();
    await owner.keyboard.press('Enter');
    await dialog.getByRole('button', { name: 'Revoke others' }).focus();
    await owner.keyboard.press('Enter');
    await owner.getByText('Revoked 1 other installation.').waitFor({ timeout: 60_000 });
    for (let i = 0; i < 50 && (await rows.count()) !== 1; i++) await owner.waitForTimeout(200);
    await expect(rows.count()).resolves.toBe(1);
    await expect(owner.locator('[data-testid=installation-row][data-current=true]').count()).resolves.toBe(1);
    await expect(owner.getByTestId('installation-budget').textContent()).resolves.toBe(
      '9 of XMTP’s 10 installations per inbox left.',
    );
  });

  it('starts a broadcast to 3 pasted recipients, leaves out a bad line, and follows it to completed', async () => {
    await owner.goto(admin(`/identities/${state.identityId}`));
    const recipients = owner.getByLabel('Recipients', { exact: true });
    const [a, b, c] = peers.clients.map((p) => p.wallet.address);
    await recipients.fill(`${a}, ${b}\nnot-an-address\n${c.toUpperCase().replace('0X', '0x')}\n${a}`);
    await expect(owner.getByTestId('recipient-count').textContent()).resolves.toBe('3 recipients');
    await expect(owner.getByTestId('recipient-check').textContent()).resolves.toContain('1 repeated, sent once');
    await expect(owner.getByTestId('invalid-lines').textContent()).resolves.toContain('line 2: not-an-address');
    const send = owner.getByRole('button', { name: 'Send to 3 recipients…' });
    await expect(send.isDisabled()).resolves.toBe(true); // no message yet
    await owner.getByRole('textbox', { name: 'Message', exact: true }).fill(TEXT_PASTED);
    await send.click();
    const dialog = owner.getByRole('dialog', { name: 'Send this message to 3 recipients?' });
    await expect(dialog.textContent()).resolves.toContain(TEXT_PASTED);
    await dialog.getByRole('button', { name: 'Start broadcast' }).click();

    state.pastedBroadcast = await waitForCompleted(owner);
    await expect(owner.getByTestId('broadcast-message').textContent()).resolves.toBe(TEXT_PASTED);
    await expect(owner.getByTestId('broadcast-sent').textContent()).resolves.toBe('3');
    await expect(owner.getByTestId('broadcast-failed').textContent()).resolves.toBe('0');
    await expect(owner.getByTestId('broadcast-pending').textContent()).resolves.toBe('0');
    await expect(owner.locator('progress.progress').evaluate((el) => (el as HTMLProgressElement).value)).resolves.toBe(
      3,
    );
    await owner.getByText('No failures').waitFor();
    for (const peer of peers.clients.slice(0, 3)) await expectMessageAt(peer, TEXT_PASTED);
  }, 180_000);

  it('starts one from an uploaded CSV file (inbox ids by column name), and lists who was skipped and why', async () => {
    await owner.goto(admin(`/identities/${state.identityId}`));
    const unregistered = privateKeyToAddress(generatePrivateKey()).toLowerCase();
    const csv = [
      'name,inboxId',
      ...peers.clients.slice(0, 3).map((p, i) => `"Peer, number ${i + 1}",${p.inboxId}`),
      `Nobody,${unregistered}`,
      'Broken,12345',
      '',
    ].join('\r\n');
    await owner
      .getByLabel('Or upload a CSV file')
      .setInputFiles({ name: 'recipients.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await owner.getByText('recipients.csv').waitFor();
    await expect(owner.getByLabel('Recipients', { exact: true }).isDisabled()).resolves.toBe(true);
    await expect(owner.getByTestId('recipient-count').textContent()).resolves.toBe('4 recipients');
    await expect(owner.getByTestId('invalid-lines').textContent()).resolves.toContain('line 6: 12345');
    await owner.getByRole('textbox', { name: 'Message', exact: true }).fill(TEXT_CSV);
    await owner.getByRole('button', { name: 'Send to 4 recipients…' }).click();
    await owner.getByRole('dialog').getByRole('button', { name: 'Start broadcast' }).click();

    state.csvBroadcast = await waitForCompleted(owner);
    await expect(owner.getByTestId('broadcast-sent').textContent()).resolves.toBe('3');
    await expect(owner.getByTestId('broadcast-failed').textContent()).resolves.toBe('0');
    await owner.getByText('1 not on XMTP').waitFor();
    await owner.getByLabel('Show').selectOption('skipped');
    const skipped = owner.getByTestId('broadcast-problem-row');
    await skipped.first().waitFor();
    await expect(skipped.count()).resolves.toBe(1);
    await expect(skipped.textContent()).resolves.toContain('not on XMTP');
    for (const peer of peers.clients.slice(0, 3)) await expectMessageAt(peer, TEXT_CSV);

    // Both broadcasts in the identity's list, newest first, with their counts.
    await owner.getByRole('link', { name: '← Identity' }).click();
    const rows = owner.getByTestId('broadcast-row');
    await rows.nth(1).waitFor();
    await expect(rows.count()).resolves.toBe(2);
    await expect(rows.nth(0).textContent()).resolves.toContain('3 sent · 1 skipped');
    await expect(rows.nth(1).getAttribute('data-status')).resolves.toBe('completed');
    await expect(rows.nth(1).textContent()).resolves.toContain('3 sent');
  }, 180_000);

  it('keeps broadcasts to their tenant through the API', async () => {
    const otherToken = await signUpOwner(gateway, 'Other Tenant Inc', newAdmin('other'));
    const list = await api<{ items: unknown[] }>(otherToken, 'GET', `/v1/identities/${state.identityId}/broadcasts`);
    expect(list.status).toBe(404);
    const recipients = await api<{ detail: string }>(
      otherToken,
      'GET',
      `/v1/identities/${state.identityId}/broadcasts/${state.csvBroadcast}/recipients`,
    );
    expect(recipients.status).toBe(404);
    const own = await api<{ items: { status: string; reason: string | null }[] }>(
      ownerToken,
      'GET',
      `/v1/identities/${state.identityId}/broadcasts/${state.csvBroadcast}/recipients`,
    );
    expect(own.body.items.map((r) => [r.status, r.reason])).toEqual([
      ['sent', null],
      ['sent', null],
      ['sent', null],
      ['skipped', 'not_on_xmtp'],
    ]);
  });

  it('shows a refused push endpoint’s problem detail, then sets one, shows its secret once, and lists a delivery', async () => {
    await owner.goto(admin(`/identities/${state.identityId}`));
    const url = owner.getByLabel('Endpoint URL');
    await url.fill('http://10.20.30.40/push');
    await owner.getByRole('button', { name: 'Set push endpoint' }).click();
    await owner.getByRole('alert').filter({ hasText: 'url is not allowed' }).waitFor();

    const pushUrl = new URL(receiver.url()).toString();
    await url.fill(pushUrl);
    await owner.getByRole('button', { name: 'Set push endpoint' }).click();
    await owner.getByTestId('secret-once').waitFor();
    await expect(owner.getByTestId('secret-once').getByRole('textbox').inputValue()).resolves.toMatch(/\S{16,}/);
    await expect(owner.getByTestId('push-endpoint-url').textContent()).resolves.toBe(pushUrl);
    await owner.getByText('No push deliveries yet').waitFor();
    await owner.getByRole('button', { name: 'Show push topics' }).click();
    await expect(owner.getByTestId('welcome-topic').textContent()).resolves.toMatch(/\S+/);

    // A peer writes to the identity: the push endpoint gets it, and the delivery shows after a reload.
    const peer = peers.clients[0]!;
    await peer.client.conversations.sync();
    const dm =
      peer.client.conversations.getDmByInboxId(state.inboxId!) ??
      (await peer.client.conversations.createDm(state.inboxId!));
    const deliveries = owner.getByTestId('push-delivery-row');
    for (let i = 0; i < 60 && (await deliveries.count()) === 0; i++) {
      if (i % 10 === 0) await dm.sendText(`push me ${i}`);
      await owner.waitForTimeout(1000);
      await owner.reload();
      await settled(owner);
    }
    expect(await deliveries.count()).toBeGreaterThan(0);
    await expect(owner.getByTestId('push-endpoint-url').textContent()).resolves.toBe(pushUrl);
  }, 120_000);

  it('shows a viewer the installations, broadcasts and push endpoint without any write control', async () => {
    const viewer = newAdmin('viewer');
    const invitation = await api<{ token: string }>(ownerToken, 'POST', '/v1/admin/invitations', {
      email: viewer.email,
      role: 'viewer',
    });
    expect(invitation.status).toBeLessThan(300);
    const accept = await fetch(`${gateway.url}/v1/admin/invitations/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: invitation.body.token, password: viewer.password }),
    });
    expect(accept.status).toBe(200);
    const { context, page } = await signedInPage(viewer);
    const WRITE = /^(Revoke|Delete|Send|Start|Set push|Save|Change|Stop|Use pasted)/;

    await page.goto(admin(`/identities/${state.identityId}`));
    await page.getByTestId('installation-row').first().waitFor();
    await page.getByTestId('broadcast-row').first().waitFor();
    await page.getByTestId('push-endpoint-url').waitFor();
    await settled(page);
    const buttons = (await page.locator('main button').allTextContents()).map((b) => b.trim());
    expect(buttons.filter((b) => WRITE.test(b))).toEqual([]);
    await expect(page.locator('main textarea, main input[type=file], main input[type=url]').count()).resolves.toBe(0);
    // Reading stays possible: the topics load for a viewer too.
    await page.getByRole('button', { name: 'Show push topics' }).click();
    await page.getByTestId('welcome-topic').waitFor();

    await page.goto(admin(`/identities/${state.identityId}/broadcasts/${state.pastedBroadcast}`));
    await page.getByTestId('broadcast-status').filter({ hasText: 'completed' }).waitFor();
    await settled(page);
    const detailButtons = (await page.locator('main button').allTextContents()).map((b) => b.trim());
    expect(detailButtons.filter((b) => WRITE.test(b))).toEqual([]);

    // The API refuses a viewer's broadcast, whatever the page shows.
    const login = await fetch(`${gateway.url}/v1/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(viewer),
    });
    const viewerToken = ((await login.json()) as { accessToken: string }).accessToken;
    const refused = await api<{ detail: string }>(
      viewerToken,
      'POST',
      `/v1/identities/${state.identityId}/broadcasts`,
      {
        recipients: [peers.clients[0]!.wallet.address],
        content: { type: 'text', text: 'not allowed' },
      },
    );
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain('viewer');
    await context.close();
  }, 60_000);

  it.each(['light', 'dark'] as const)(
    'screenshots the identity tools and a broadcast in %s mode',
    async (scheme) => {
      const { context, page } = await signedInPage(ownerAccount, scheme);
      await page.goto(admin(`/identities/${state.identityId}`));
      await page.getByTestId('broadcast-row').first().waitFor();
      await page.getByTestId('push-endpoint-url').waitFor();
      await shoot(page, `scheme-${scheme}-identity-tools`);

      // The start form with a checked recipient list and an invalid line.
      await page.getByLabel('Recipients', { exact: true }).fill(`${peers.clients[0]!.wallet.address}\noops`);
      await page.getByRole('textbox', { name: 'Message', exact: true }).fill('Our store opens at 9 tomorrow.');
      await page.getByTestId('invalid-lines').waitFor();
      await page.getByRole('heading', { name: 'Start a broadcast' }).scrollIntoViewIfNeeded();
      await shoot(page, `scheme-${scheme}-identity-broadcast-form`);

      await page.goto(admin(`/identities/${state.identityId}/broadcasts/${state.csvBroadcast}`));
      await page.getByTestId('broadcast-status').filter({ hasText: 'completed' }).waitFor();
      await page.getByLabel('Show').selectOption('skipped');
      await page.getByTestId('broadcast-problem-row').first().waitFor();
      await shoot(page, `scheme-${scheme}-identity-broadcast`);
      await context.close();
    },
    60_000,
  );

  it('raised no uncaught errors in the pages', () => {
    expect(pageErrors).toEqual([]);
  });
});
