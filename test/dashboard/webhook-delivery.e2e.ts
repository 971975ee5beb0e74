// The webhook delivery page in Chromium against a real gateway and a local receiver: the body and headers exactly
// as sent, the receiver's status and the start of its answer, "Send test event", and retrying a failed delivery.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { launchChromium, PHONE, screenshotBothSizes } from './browser.js';

let database: TestDatabase;
let gateway: TestGateway;
let browser: Browser;
let page: Page;
let receiver: WebhookReceiver;
let token: string;
let webhookId: string;
const pageErrors: string[] = [];
const owner = {
  email: `hooks-${randomBytes(4).toString('hex')}@delivery.test`,
  password: `pw-${randomBytes(12).toString('base64url')}`,
};

const admin = (to = '') => `${gateway.url}/admin${to}`;

async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const answer = await fetch(`${gateway.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: answer.status, body: (await answer.json()) as T };
}

async function shoot(name: string): Promise<void> {
  const { phoneScrollWidth } = await screenshotBothSizes(page, name);
  expect(phoneScrollWidth).toBeLessThanOrEqual(PHONE.width);
}

beforeAll(async () => {
  database = await createTestDatabase();
  receiver = await WebhookReceiver.start();
  receiver.answerByDefault(200).answerWithBody('thanks from the receiver');
  [gateway, browser] = await Promise.all([
    startTestGateway({
      DATABASE_URL: database.url,
      OUTBOUND_ALLOWLIST: '127.0.0.1',
      WEBHOOK_RETRY_BASE_MS: '200',
      WEBHOOK_RETRY_MAX_DELAY_MS: '400',
      WEBHOOK_RETRY_WINDOW_MS: '1000',
      WEBHOOK_POLL_INTERVAL_MS: '100',
      WEBHOOK_TIMEOUT_MS: '2000',
    }),
    launchChromium(),
  ]);
  const signup = await fetch(`${gateway.url}/v1/admin/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenantName: 'Delivery Test Inc', ...owner }),
  });
  token = ((await signup.json()) as { accessToken: string }).accessToken;
  const webhook = await api<{ id: string }>('POST', '/v1/webhooks', {
    url: receiver.url(),
    events: ['message.received'],
  });
  expect(webhook.status).toBe(201);
  webhookId = webhook.body.id;
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => pageErrors.push(String(error)));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await receiver?.close();
  await gateway?.close();
  await database?.drop();
});

describe('webhook delivery page in chromium', () => {
  it('shows a test delivery’s body and headers as sent, and the receiver’s status and answer', async () => {
    const sent = await api<{ id: string; eventId: string }>('POST', `/v1/webhooks/${webhookId}/test`, {});
    expect(sent.status).toBe(202);
    await page.goto(admin(`/webhooks/${webhookId}/deliveries/${sent.body.id}`));
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Log in' }).click();

    const body = page.getByTestId('delivery-body');
    await body.waitFor();
    // The page follows the delivery until the receiver has answered.
    await page.getByTestId('attempt-status').filter({ hasText: 'HTTP 200' }).waitFor();
    const received = receiver.requests.find((r) => r.rawBody.includes(sent.body.eventId))!;
    expect(received).toBeDefined();
    expect(JSON.parse((await body.textContent())!)).toEqual(JSON.parse(received.rawBody));
    expect(await body.textContent()).toContain('webhook.test');
    const headers = await page.getByTestId('attempt-headers').textContent();
    expect(headers).toContain('webhook-signature');
    expect(headers).toContain(String(received.headers['webhook-signature']));
    await expect(page.getByTestId('attempt-response').textContent()).resolves.toBe('thanks from the receiver');
    await shoot('webhook-delivery-01-succeeded');
  });

  it('sends a test event from the page and opens its delivery', async () => {
    const before = new URL(page.url()).pathname;
    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.waitForURL(
      (url) => url.pathname !== before && url.pathname.startsWith(`/admin/webhooks/${webhookId}/deliveries/`),
    );
    await page.getByTestId('attempt-status').filter({ hasText: 'HTTP 200' }).waitFor();
    const deliveryId = new URL(page.url()).pathname.split('/').pop()!;
    const stored = await api<{ body: string; eventType: string }>(
      'GET',
      `/v1/webhooks/${webhookId}/deliveries/${deliveryId}`,
    );
    expect(stored.body.eventType).toBe('webhook.test');
    expect(JSON.parse((await page.getByTestId('delivery-body').textContent())!)).toEqual(JSON.parse(stored.body.body));
  });

  it('retries a failed delivery from the page until the receiver accepts it', async () => {
    receiver.answerByDefault(503).answerWithBody('busy, try later');
    const sent = await api<{ id: string }>('POST', `/v1/webhooks/${webhookId}/test`, {});
    await page.goto(admin(`/webhooks/${webhookId}/deliveries/${sent.body.id}`));
    await page.getByText('HTTP 503').first().waitFor();
    for (
      let i = 0;
      i < 40 &&
      (await api<{ status: string }>('GET', `/v1/webhooks/${webhookId}/deliveries/${sent.body.id}`)).body.status !==
        'failed';
      i++
    ) {
      await page.waitForTimeout(250);
    }
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator('.badge', { hasText: 'failed' }).first().waitFor();
    await expect(page.getByTestId('attempt-response').first().textContent()).resolves.toBe('busy, try later');
    await shoot('webhook-delivery-02-failed');

    receiver.answerByDefault(200).answerWithBody('thanks from the receiver');
    await page.getByRole('button', { name: 'Retry now' }).click();
    await page.getByTestId('attempt-status').filter({ hasText: 'HTTP 200' }).waitFor();
    await page.locator('h2 .badge', { hasText: 'succeeded' }).waitFor();
    await expect(page.getByRole('button', { name: 'Retry now' }).count()).resolves.toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
