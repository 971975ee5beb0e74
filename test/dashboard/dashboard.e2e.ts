// The admin dashboard in a real browser against a real gateway (Postgres, in-process devnet, webhook dispatcher):
// sign up, API key shown once, identity and its installation, a raw SDK peer's message in the conversations page,
// deny, webhook secret shown once, a delivery row and its retry. Screenshots: test-artifacts/dashboard/.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { createTestClients, type TestClients } from '@mailroom/xmtp/testing';
import { xmtpNodeUrl, type TestGateway } from '../support/gateway.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { StreamSupervisor } from '../../apps/gateway/src/modules/realtime/stream-supervisor.js';
import { openPage, SCREENSHOT_DIR, shootPage, startDashboardStage, type DashboardStage } from './browser.js';

let stage: DashboardStage;
let gateway: TestGateway;
let page: Page;
let peers: TestClients | undefined;
let receiver: WebhookReceiver;
const screenshots: string[] = [];
const pageErrors: string[] = [];

const email = `owner-${randomBytes(4).toString('hex')}@dashboard.test`;
const password = `pw-${randomBytes(12).toString('base64url')}`;
const state: { apiKey?: string; identityId?: string; inboxId?: string; installationId?: string; webhookId?: string } =
  {};

async function shoot(name: string): Promise<void> {
  screenshots.push(...(await shootPage(page, name)));
}

const admin = (to = '') => `${gateway.url}/admin${to}`;

beforeAll(async () => {
  receiver = await WebhookReceiver.start();
  receiver.answerByDefault(500);
  stage = await startDashboardStage({
    OUTBOUND_ALLOWLIST: '127.0.0.1',
    WEBHOOK_RETRY_BASE_MS: '200',
    WEBHOOK_RETRY_MAX_DELAY_MS: '400',
    WEBHOOK_RETRY_WINDOW_MS: '1000',
    WEBHOOK_POLL_INTERVAL_MS: '100',
    WEBHOOK_TIMEOUT_MS: '2000',
    EVENT_RECONCILE_INTERVAL_MS: '2000',
  });
  gateway = stage.gateway;
  const context = await stage.browser.newContext({
    viewport: { width: 1280, height: 800 },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  page = await openPage(context, pageErrors);
}, 60_000);

afterAll(async () => {
  await peers?.cleanup();
  await receiver?.close();
  await stage?.close();
  process.stdout.write(`\nDashboard screenshots (${screenshots.length}): ${SCREENSHOT_DIR}\n`);
});

describe('admin dashboard in chromium', () => {
  it('signs up a tenant from the sign-in page and lands on the overview', async () => {
    await page.goto(admin('/'));
    await expect(page.getByRole('heading', { name: 'Log in' }).isVisible()).resolves.toBe(true);
    await shoot('01-login');

    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Organisation name').fill('Dashboard Test Inc');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await shoot('02-signup');
    await page.getByRole('button', { name: 'Create account' }).click();

    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByRole('heading', { name: 'Messages per day' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/');
    // 14 days of counters, one table row each (the chart's accessible numbers).
    await expect(page.locator('.chart-table tbody tr').count()).resolves.toBe(14);
    await expect(page.getByText('No alerts').isVisible()).resolves.toBe(true);
  });

  it('creates an API key with chosen scopes, shows it once with a copy button, and the key works', async () => {
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByText('No API keys yet').waitFor();
    await page.getByLabel('Name').fill('browser key');
    await page.getByRole('checkbox', { name: /keys/ }).uncheck();
    // Keyboard: Enter in the form submits it.
    await page.getByLabel('Name').press('Enter');

    const secret = page.getByTestId('secret-once');
    await secret.waitFor();
    const key = await secret.getByRole('textbox').inputValue();
    expect(key).toMatch(/^mr_/);
    state.apiKey = key;
    await secret.getByRole('button', { name: 'Copy' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(key);
    const row = page.getByTestId('api-key-row').filter({ hasText: 'browser key' });
    await expect(row.textContent()).resolves.toContain('identities, messages, webhooks');
    await shoot('03-api-keys-created');

    // The key authenticates against the public API.
    const probe = await fetch(`${gateway.url}/v1/identities`, { headers: { authorization: `Bearer ${key}` } });
    expect(probe.status).toBe(200);

    // Shown once: after dismissing, and after a reload, the full key is nowhere in the page.
    await page.getByRole('button', { name: 'I have saved it' }).click();
    await page.reload();
    await page.getByTestId('api-key-row').first().waitFor();
    expect(await page.content()).not.toContain(key);
    await expect(page.getByTestId('api-key-row').filter({ hasText: 'browser key' }).textContent()).resolves.toContain(
      key.slice(0, 8),
    );
    await shoot('04-api-keys');
  });

  it('creates an identity and shows its installation and inbox budget', async () => {
    await page.getByRole('link', { name: 'Identities' }).click();
    await page.getByText('No identities yet').waitFor();
    await shoot('05-identities-empty');
    await page.getByLabel('Label').fill('support bot');
    await page.getByRole('button', { name: 'Create identity' }).click();

    await page.getByRole('heading', { name: 'Inbox state' }).waitFor({ timeout: 30_000 });
    state.identityId = new URL(page.url()).pathname.split('/').pop()!;
    const installation = page.getByTestId('installation-row');
    await expect(installation.count()).resolves.toBe(1);
    await expect(installation.textContent()).resolves.toContain('Mailroom (this identity)');
    await expect(page.getByText('1 of 10').isVisible()).resolves.toBe(true);

    const api = await fetch(`${gateway.url}/v1/identities/${state.identityId}`, {
      headers: { authorization: `Bearer ${state.apiKey}` },
    });
    const detail = (await api.json()) as { inboxId: string; installationId: string };
    state.inboxId = detail.inboxId;
    state.installationId = detail.installationId;
    await expect(page.locator('.facts').textContent()).resolves.toContain(detail.installationId);
    await shoot('06-identity');

    // Revoking the other installations (there are none) answers in the page.
    await page.getByRole('button', { name: 'Revoke other installations' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke others' }).click();
    await page.getByText('There were no other installations to revoke.').waitFor();

    // A deep link survives a full reload (the gateway serves the app for every /admin path).
    await page.goto(admin(`/identities/${state.identityId}`));
    await page.getByRole('heading', { name: 'Inbox state' }).waitFor();

    await page.goto(admin('/identities'));
    await page.getByTestId('identity-row').first().waitFor();
    await shoot('07-identities');
  });

  it('creates a webhook and shows its signing secret once', async () => {
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByText('No webhook endpoints yet').waitFor();
    await page.getByLabel('URL').fill(receiver.url());
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = page.getByTestId('secret-once');
    await secret.waitFor();
    const value = await secret.getByRole('textbox').inputValue();
    expect(value.length).toBeGreaterThanOrEqual(24);
    await shoot('08-webhooks-created');
    await page.getByRole('button', { name: 'I have saved it' }).click();
    await page.getByRole('link', { name: receiver.url() }).click();
    await page.getByText('No deliveries yet').waitFor();
    state.webhookId = new URL(page.url()).pathname.split('/').pop()!;
    expect(await page.content()).not.toContain(value);
  });

  it('shows a raw SDK peer’s message in the conversations page and denies the peer', async () => {
    peers = await createTestClients(xmtpNodeUrl(gateway), 1);
    const peer = peers.clients[0]!;
    // Webhooks carry what the identity's event pipeline sees; the sweep starts it once the tenant has an endpoint.
    const supervisor = gateway.app.get(StreamSupervisor);
    for (let i = 0; i < 100 && !supervisor.isLive(state.identityId!); i++) await new Promise((r) => setTimeout(r, 100));
    expect(supervisor.isLive(state.identityId!)).toBe(true);
    const dm = await peer.client.conversations.createDm(state.inboxId!);
    await dm.sendText('hello from the peer');

    await page.goto(admin(`/identities/${state.identityId}`));
    await page.getByRole('link', { name: 'Browse conversations' }).click();
    const row = page.getByTestId('conversation-row');
    // The gateway syncs welcomes in the background; the page's Refresh button picks the DM up.
    for (let i = 0; i < 40 && (await row.count()) === 0; i++) {
      await page.waitForTimeout(500);
      await page.getByRole('button', { name: 'Refresh' }).click();
    }
    await expect(row.count()).resolves.toBe(1);
    await expect(row.textContent()).resolves.toContain('unknown');
    await row.getByRole('link').click();
    await page.getByTestId('message').filter({ hasText: 'hello from the peer' }).waitFor({ timeout: 20_000 });
    await expect(page.getByText(peer.inboxId).isVisible()).resolves.toBe(true);

    // An attachment sent by the identity (public REST API) shows with its file name and size, and downloads.
    const conversationId = new URL(page.url()).pathname.split('/').pop()!;
    const fileText = 'attachment line\n'.repeat(96); // 1,536 bytes
    const form = new FormData();
    form.append('file', new Blob([fileText], { type: 'text/plain' }), 'notes.txt');
    const upload = await fetch(
      `${gateway.url}/v1/identities/${state.identityId}/conversations/${conversationId}/attachments`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${state.apiKey}` },
        body: form,
      },
    );
    expect(upload.status).toBe(201);
    await page.locator('.conversation').getByRole('button', { name: 'Refresh' }).click();
    const attachment = page.getByTestId('attachment').filter({ hasText: 'notes.txt' });
    await attachment.waitFor();
    // XMTP remote attachments carry the ciphertext length: the file plus its encrypted envelope.
    await expect(attachment.textContent()).resolves.toMatch(/notes\.txt1\.[56] KiB encrypted/);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      attachment.getByRole('button', { name: 'Download' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('notes.txt');
    expect(await readFile(await download.path(), 'utf8')).toBe(fileText);
    await shoot('09-conversation');

    // Denied conversations emit no events, so let the pipeline turn this message into its webhook delivery first.
    await receiver.waitFor(
      (r) => r.requests.some((request) => request.rawBody.includes('hello from the peer')),
      20_000,
    );
    await page.getByRole('button', { name: 'Deny peer' }).click();
    await page.locator('.conversation-head .badge', { hasText: 'denied' }).waitFor();
    const consent = await fetch(`${gateway.url}/v1/identities/${state.identityId}/consent`, {
      headers: { authorization: `Bearer ${state.apiKey}` },
    });
    const items = ((await consent.json()) as { items: { entityType: string; entity: string; state: string }[] }).items;
    expect(items).toContainEqual({ entityType: 'inbox', entity: peer.inboxId, state: 'denied' });

    // Denied conversations leave the default list and show under the "Denied" filter.
    await page.getByLabel('Consent').selectOption({ label: 'Denied' });
    await page.getByTestId('conversation-row').filter({ hasText: 'denied' }).waitFor();
    await shoot('10-conversations-denied');
  });

  it('shows the message.received delivery with its failed attempts, and retries it until it succeeds', async () => {
    await page.goto(admin(`/webhooks/${state.webhookId}`));
    const delivery = page.getByTestId('delivery-row').filter({ hasText: 'message.received' });
    const statusOf = async () => ((await delivery.count()) === 0 ? null : delivery.getAttribute('data-status'));
    for (let i = 0; i < 40 && (await statusOf()) !== 'failed'; i++) {
      await page.waitForTimeout(500);
      await page.getByRole('button', { name: 'Refresh' }).click();
    }
    await expect(delivery.getAttribute('data-status')).resolves.toBe('failed');
    const attemptsBefore = Number(await delivery.getByTestId('delivery-attempts').textContent());
    expect(attemptsBefore).toBeGreaterThanOrEqual(1);
    await expect(delivery.textContent()).resolves.toContain('HTTP 500');
    await shoot('11-webhook-deliveries-failed');

    receiver.answerByDefault(200);
    await delivery.getByRole('button', { name: /Retry delivery/ }).click();
    for (let i = 0; i < 40 && (await statusOf()) !== 'succeeded'; i++) {
      await page.waitForTimeout(300);
      await page.getByRole('button', { name: 'Refresh' }).click();
    }
    await expect(delivery.getAttribute('data-status')).resolves.toBe('succeeded');
    expect(Number(await delivery.getByTestId('delivery-attempts').textContent())).toBe(attemptsBefore + 1);
    await expect(delivery.textContent()).resolves.toContain('HTTP 200');
    expect(receiver.successesByEvent().size).toBe(1);
    await shoot('12-webhook-deliveries');
  });

  it('saves settings, and the overview, settings and errors render', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Files per message').fill('5');
    await page.getByLabel('Per API key or token').fill('100');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved.').waitFor();
    const settings = await fetch(`${gateway.url}/v1/settings`, {
      headers: { authorization: `Bearer ${state.apiKey}` },
    });
    expect(settings.status).toBe(403); // the key was created without the `keys` scope
    await page.reload();
    await expect(page.getByLabel('Files per message').inputValue()).resolves.toBe('5');
    await shoot('13-settings');

    // A problem+json detail from the API is shown in the page.
    await page.getByLabel('Per API key or token').fill('99999999');
    await page.getByLabel('Per API key or token').evaluate((input: HTMLInputElement) => input.removeAttribute('max'));
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('alert').filter({ hasText: 'operator limit' }).waitFor();
    await shoot('14-settings-error');

    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('heading', { name: 'Messages per day' }).waitFor();
    await expect(page.locator('.stat').first().textContent()).resolves.toContain('1');
    await shoot('15-overview');
  });

  it('pages long lists with the API cursor (Load more)', async () => {
    const login = await fetch(`${gateway.url}/v1/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    // The settings test above lowered every credential's budget to 100 a minute (writes cost 2): the 50 keys are
    // made by two helper keys, 25 each, so the admin's own budget is left for the page.
    const helpers: string[] = [];
    for (const name of ['bulk helper 1', 'bulk helper 2']) {
      const helper = await fetch(`${gateway.url}/v1/api-keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name, scopes: ['keys', 'messages'] }),
      });
      helpers.push(((await helper.json()) as { key: string }).key);
    }
    const statuses = await Promise.all(
      Array.from({ length: 48 }, (_, i) =>
        fetch(`${gateway.url}/v1/api-keys`, {
          method: 'POST',
          headers: { authorization: `Bearer ${helpers[i % 2]}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: `bulk key ${i}`, scopes: ['messages'] }),
        }).then(async (r) => `${r.status} ${r.status === 201 ? '' : await r.text()}`),
      ),
    );
    expect(statuses.filter((s) => !s.startsWith('201'))).toEqual([]);
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByTestId('api-key-row').first().waitFor();
    await expect(page.getByTestId('api-key-row').count()).resolves.toBe(50);
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.getByTestId('api-key-row').nth(50).waitFor();
    await expect(page.getByTestId('api-key-row').count()).resolves.toBe(51);
    await expect(page.getByRole('button', { name: 'Load more' }).count()).resolves.toBe(0);
  });

  it('revokes an API key with the keyboard only, and deletes an identity after confirming', async () => {
    await page.getByRole('link', { name: 'API keys' }).click();
    const row = page.getByTestId('api-key-row').filter({ hasText: 'browser key' });
    await row.getByRole('button', { name: 'Revoke' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    // Focus moves into the dialog (on Cancel, the safe choice); Escape closes it and nothing happens.
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Cancel');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(
      (await fetch(`${gateway.url}/v1/identities`, { headers: { authorization: `Bearer ${state.apiKey}` } })).status,
    ).toBe(200);

    await row.getByRole('button', { name: 'Revoke' }).focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Revoke key');
    await page.keyboard.press('Enter');
    await row.getByText('revoked').waitFor();
    expect(
      (await fetch(`${gateway.url}/v1/identities`, { headers: { authorization: `Bearer ${state.apiKey}` } })).status,
    ).toBe(401);

    await page.goto(admin(`/identities/${state.identityId}`));
    await page.getByRole('button', { name: 'Delete identity' }).click();
    await shoot('17-identity-delete-confirm');
    await page.getByRole('dialog').getByRole('button', { name: 'Delete identity' }).click();
    await page.getByRole('heading', { name: 'Identities', exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/identities');
    await page.getByText('No identities yet').waitFor();
  });

  it('logs out, and the session no longer works', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await page.goto(admin('/api-keys'));
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('wrong password here');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').waitFor();
    await shoot('16-login-error');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    // Signing in on a deep link opens that page.
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    expect(pageErrors).toEqual([]);
  });
});
