import { describe, expect, it } from '@jest/globals';
import { tenantScope } from '@mailroom/persistence';
import { createApiKey, signUpTenant } from '../support/factories.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { jsonCaller, webhookEvent, webhookSuite } from './support.js';

/**
 * Webhook slots go round-robin across tenants: a tenant whose endpoints hang until the timeout, with a backlog of
 * deliveries, takes its turn but cannot keep another tenant's delivery waiting behind that backlog.
 */
const suite = webhookSuite({
  WEBHOOK_CONCURRENCY: '4',
  WEBHOOK_ENDPOINT_CONCURRENCY: '4',
  WEBHOOK_TIMEOUT_MS: '2000',
  WEBHOOK_POLL_INTERVAL_MS: '100',
});

async function tenantWithEndpoint(receiver: WebhookReceiver): Promise<string> {
  const owner = await signUpTenant(suite.gateway);
  const key = (await createApiKey(suite.gateway, owner.adminToken, ['webhooks'])).key;
  const created = await jsonCaller(
    () => suite.gateway.url,
    () => key,
  )('POST', '/v1/webhooks', { url: receiver.url(), events: ['message.received'] });
  expect(created.status).toBe(201);
  return owner.tenantId;
}

describe('webhook dispatch across tenants', () => {
  it("delivers a tenant's event within one timeout round although another tenant's hanging backlog came first", async () => {
    const hanging = await WebhookReceiver.start();
    const healthy = await WebhookReceiver.start();
    suite.receivers.push(hanging, healthy);
    hanging.delayAnswers(10_000);
    const noisy = await tenantWithEndpoint(hanging);
    const quiet = await tenantWithEndpoint(healthy);
    const outbox = suite.outbox;

    // 24 deliveries of the noisy tenant: 6 rounds of 4 slots at 2 s each if nobody else got a turn.
    await outbox.enqueue(
      tenantScope(noisy),
      Array.from({ length: 24 }, () => webhookEvent(noisy)),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const enqueuedAt = Date.now();
    const quietEvent = webhookEvent(quiet);
    await outbox.enqueue(tenantScope(quiet), quietEvent);

    const deadline = enqueuedAt + 15_000;
    while (!healthy.requests.some((r) => r.eventId === quietEvent.id) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    const arrived = healthy.requests.find((r) => r.eventId === quietEvent.id);
    expect(arrived).toBeDefined();
    // At most one timeout round (2 s) plus scheduling slack, not the noisy tenant's whole backlog (≥ 10 s).
    expect(arrived!.receivedAt - enqueuedAt).toBeLessThan(5_000);
  });
});
