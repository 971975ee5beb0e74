// The webhook delivery page in Chromium against a real gateway and a local receiver: the body and headers exactly
// as sent, the receiver's status and the start of its answer, "Send test event", and retrying a failed delivery.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import type { TestGateway } from '../support/gateway.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { newAdmin, openPage, shootPage, signUpOwner, startDashboardStage, type DashboardStage } from './browser.js';

let stage: DashboardStage;
let gateway: TestGateway;
let page: Page;
let receiver: WebhookReceiver;
let token: string;
let webhookId: string;
const pageErrors: string[] = [];
const owner = newAdmin('hooks', 'delivery.test');

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

beforeAll(async () => {
  receiver = await WebhookReceiver.start();
  receiver.answerByDefault(200).answerWithBody('thanks from the receiver');
  stage = await startDashboardStage({
    OUTBOUND_ALLOWLIST: '127.0.0.1',
    WEBHOOK_RETRY_BASE_MS: '200',
    WEBHOOK_RETRY_MAX_DELAY_MS: '400',
    WEBHOOK_RETRY_WINDOW_MS: '1000',
    WEBHOOK_POLL_INTERVAL_MS: '100',
    WEBHOOK_TIMEOUT_MS: '2000',
  });
  gateway = stage.gateway;
  token = await signUpOwner(gateway, 'Delivery Test Inc', owner);
  const webhook = await api<{ id: string }>('POST', '/v1/webhooks', {
    url: receiver.url(),
    events: ['message.received'],
  });
  expect(webhook.status).toBe(201);
  webhookId = webhook.body.id;
  page = await openPage(await stage.browser.newContext({ viewport: { width: 1280, height: 800 } }), pageErrors);
}, 60_000);

afterAll(async () => {
  await stage?.close();
  await receiver?.close();
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
    await shootPage(page, 'webhook-delivery-01-succeeded');
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
    await shootPage(page, 'webhook-delivery-02-failed');

    receiver.answerByDefault(200).answerWithBody('thanks from the receiver');
    await page.getByRole('button', { name: 'Retry now' }).click();
    await page.getByTestId('attempt-status').filter({ hasText: 'HTTP 200' }).waitFor();
    await page.locator('h2 .badge', { hasText: 'succeeded' }).waitFor();
    await expect(page.getByRole('button', { name: 'Retry now' }).count()).resolves.toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
