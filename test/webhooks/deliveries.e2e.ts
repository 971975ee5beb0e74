import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { ASYNC_COMMIT_APPLICATION_NAME, tenantScope } from '@mailroom/persistence';
import type { MailroomEvent } from '../../apps/gateway/src/modules/events/mailroom-event.js';
import { verifyMailroomSignature, WebhookOutbox } from '../../apps/gateway/src/modules/webhooks/index.js';
import { createApiKey, signUpTenant, type SignedUpTenant } from '../support/factories.js';
import { jsonCaller, until, webhookEvent, webhookSuite } from './support.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const RETRY_BASE_MS = 300;
const DISABLE_AFTER = 6;

const suite = webhookSuite({
  WEBHOOK_RETRY_BASE_MS: String(RETRY_BASE_MS),
  WEBHOOK_RETRY_MAX_DELAY_MS: '2000',
  WEBHOOK_RETRY_WINDOW_MS: '4000',
  WEBHOOK_DISABLE_AFTER_FAILURES: String(DISABLE_AFTER),
  WEBHOOK_POLL_INTERVAL_MS: '100',
  WEBHOOK_TIMEOUT_MS: '2000',
});
let owner: SignedUpTenant;
let key: string;

const call = jsonCaller(
  () => suite.gateway.url,
  () => key,
);

const event = (overrides: Partial<MailroomEvent> = {}) => webhookEvent(owner.tenantId, overrides);

async function endpointFor(
  receiver: WebhookReceiver,
  events = ['message.received'],
): Promise<{ id: string; secret: string }> {
  const res = await call('POST', '/v1/webhooks', { url: receiver.url(), events });
  expect(res.status).toBe(201);
  return res.body;
}

/** Each test gets its own tenant, so endpoints of other tests never match its events. */
async function useFreshTenant(): Promise<void> {
  owner = await signUpTenant(suite.gateway);
  key = (await createApiKey(suite.gateway, owner.adminToken, ['webhooks'])).key;
}

async function newReceiver(): Promise<WebhookReceiver> {
  await useFreshTenant();
  const receiver = await WebhookReceiver.start();
  suite.receivers.push(receiver);
  return receiver;
}

const deliveriesOf = async (id: string) => (await call('GET', `/v1/webhooks/${id}/deliveries`)).body.items as any[];

describe('webhook delivery', () => {
  it('posts the event as signed JSON with the Mailroom headers; a tampered body fails verification', async () => {
    const receiver = await newReceiver();
    const endpoint = await endpointFor(receiver);
    const sent = event();
    expect(await suite.outbox.enqueue(tenantScope(owner.tenantId), sent)).toBe(1);
    await receiver.waitFor((r) => r.requests.length === 1);
    const [request] = receiver.requests;
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['user-agent']).toMatch(/^Mailroom-Webhooks\//);
    expect(request!.eventId).toBe(sent.id);
    expect(request!.attempt).toBe(1);
    expect(Math.abs(Number(request!.timestamp) - Date.now() / 1000)).toBeLessThan(10);
    expect(JSON.parse(request!.rawBody)).toEqual({
      id: sent.id,
      type: sent.type,
      createdAt: sent.createdAt,
      tenantId: sent.tenantId,
      identityId: sent.identityId,
      data: sent.data,
    });

    const input = {
      secret: endpoint.secret,
      timestamp: request!.timestamp,
      rawBody: request!.rawBody,
      signatureHeader: request!.signature,
    };
    expect(request!.signature).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifyMailroomSignature(input)).toBe(true);
    expect(verifyMailroomSignature({ ...input, rawBody: request!.rawBody.replace('hello', 'hell0') })).toBe(false);
    expect(verifyMailroomSignature({ ...input, timestamp: String(Number(request!.timestamp) - 1) })).toBe(false);

    const [delivery] = await until(
      () => deliveriesOf(endpoint.id),
      (items) => items[0]?.status === 'succeeded',
    );
    expect(delivery).toMatchObject({
      eventId: sent.id,
      eventType: 'message.received',
      status: 'succeeded',
      attempts: 1,
      lastStatusCode: 200,
      nextAttemptAt: null,
    });
    expect(delivery.attemptLog).toEqual([
      expect.objectContaining({ number: 1, outcome: 'succeeded', statusCode: 200 }),
    ]);
    // The claim and the outcome are hot statements: they ran on the gateway's async-commit pool.
    const [hot] = await suite.prisma.$queryRaw<{ sessions: number }[]>`
      SELECT count(*)::int AS sessions FROM pg_stat_activity
      WHERE datname = current_database() AND application_name = ${ASYNC_COMMIT_APPLICATION_NAME}`;
    expect(hot!.sessions).toBeGreaterThan(0);
  });

  it('signs with the new secret right after a rotation, and with the old one beside it during the overlap', async () => {
    const receiver = await newReceiver();
    const endpoint = await endpointFor(receiver);
    const rotated = (await call('POST', `/v1/webhooks/${endpoint.id}/rotate-secret`)).body as { secret: string };
    await suite.outbox.enqueue(tenantScope(owner.tenantId), event());
    await receiver.waitFor((r) => r.requests.length === 1);
    const [request] = receiver.requests;
    const input = { timestamp: request!.timestamp, rawBody: request!.rawBody, signatureHeader: request!.signature };
    expect(verifyMailroomSignature({ ...input, secret: rotated.secret })).toBe(true);
    expect(verifyMailroomSignature({ ...input, secret: endpoint.secret })).toBe(true);
    expect(verifyMailroomSignature({ ...input, secret: 'whsec_never_issued' })).toBe(false);
  });

  it('enqueues once per (endpoint, event id): a replayed event, an unsubscribed type and a paused endpoint add nothing', async () => {
    const receiver = await newReceiver();
    const endpoint = await endpointFor(receiver, ['message.received', 'consent.updated']);
    const paused = await endpointFor(receiver);
    await call('PATCH', `/v1/webhooks/${paused.id}`, { enabled: false });
    const scope = tenantScope(owner.tenantId);
    const sent = event();
    expect(await suite.outbox.enqueue(scope, sent)).toBe(1);
    expect(await suite.outbox.enqueue(scope, sent)).toBe(0);
    expect(await suite.outbox.enqueue(scope, [sent, { ...sent }])).toBe(0);
    expect(await suite.outbox.enqueue(scope, event({ type: 'conversation.created' }))).toBe(0);
    expect(await suite.outbox.enqueue(scope, [event({ type: 'consent.updated' }), event()])).toBe(2);
    await expect(suite.outbox.enqueue(scope, event({ tenantId: randomUUID() }))).rejects.toThrow(/another tenant/);
    // Inside a caller's transaction: rolled back with it.
    const rolledBack = event();
    await expect(
      suite.prisma.$transaction(async (tx) => {
        expect(await new WebhookOutbox(suite.prisma).enqueue(scope, rolledBack, tx)).toBe(1);
        throw new Error('cursor write failed');
      }),
    ).rejects.toThrow('cursor write failed');
    await receiver.waitFor((r) => r.requests.length >= 3);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.requests.map((r) => r.eventId).sort()).toEqual(expect.not.arrayContaining([rolledBack.id]));
    expect(new Set(receiver.requests.map((r) => r.eventId)).size).toBe(3);
    expect(await deliveriesOf(endpoint.id)).toHaveLength(3);
    expect(await deliveriesOf(paused.id)).toHaveLength(0);
  });

  it('retries 500, 500, 500 then 200 with growing backoff: four attempts logged, final success', async () => {
    const receiver = await newReceiver();
    receiver.answer(500, 500, 500);
    const endpoint = await endpointFor(receiver);
    const sent = event();
    await suite.outbox.enqueue(tenantScope(owner.tenantId), sent);
    const [delivery] = await until(
      () => deliveriesOf(endpoint.id),
      (items) => items[0]?.status === 'succeeded',
    );
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 4, lastStatusCode: 200, lastError: null });
    expect(delivery.attemptLog.map((a: any) => [a.number, a.outcome, a.statusCode])).toEqual([
      [1, 'failed', 500],
      [2, 'failed', 500],
      [3, 'failed', 500],
      [4, 'succeeded', 200],
    ]);
    expect(delivery.attemptLog[0].error).toBe('HTTP 500');
    const starts = delivery.attemptLog.map((a: any) => Date.parse(a.startedAt));
    const gaps = starts.slice(1).map((t: number, i: number) => t - starts[i]);
    // Equal jitter: the n-th wait is at least half of base·2^(n−1).
    gaps.forEach((gap: number, i: number) => expect(gap).toBeGreaterThanOrEqual((RETRY_BASE_MS * 2 ** i) / 2 - 20));
    expect(gaps[2]).toBeGreaterThan(gaps[0]);
    expect(receiver.requests.map((r) => [r.eventId, r.attempt, r.status])).toEqual([
      [sent.id, 1, 500],
      [sent.id, 2, 500],
      [sent.id, 3, 500],
      [sent.id, 4, 200],
    ]);
    const metrics = await (await fetch(new URL('/metrics', suite.gateway.url))).text();
    expect(metrics).toMatch(/webhook_delivery_attempts_total\{outcome="failed"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/webhook_delivery_attempts_total\{outcome="succeeded"[^}]*\} [1-9]/);
  });

  it('disables an endpoint after the configured run of failures, audits it, holds its deliveries, and resumes when enabled', async () => {
    const receiver = await newReceiver();
    const endpoint = await endpointFor(receiver);
    await receiver.stop();
    const events = Array.from({ length: 4 }, () => event());
    await suite.outbox.enqueue(tenantScope(owner.tenantId), events);
    const disabled = await until(
      () => call('GET', `/v1/webhooks/${endpoint.id}`),
      (res) => res.body.enabled === false,
    );
    expect(disabled.body).toMatchObject({ enabled: false, disabledReason: 'consecutive_failures' });
    expect(disabled.body.consecutiveFailures).toBeGreaterThanOrEqual(DISABLE_AFTER);
    const audit = await call('GET', '/v1/audit-log', undefined, owner.adminToken);
    const entries = audit.body.items.filter((e: any) => e.action === 'webhook.disabled' && e.targetId === endpoint.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: { type: 'system', id: null }, targetType: 'webhook' });
    expect(entries[0].metadata).toMatchObject({ reason: 'consecutive_failures', consecutiveFailures: DISABLE_AFTER });
    expect(entries[0].metadata.lastError).toMatch(/ECONNREFUSED/);

    // Disabled: nothing is attempted and nothing new is enqueued.
    const before = (await deliveriesOf(endpoint.id)).reduce((n, d) => n + d.attempts, 0);
    expect(await suite.outbox.enqueue(tenantScope(owner.tenantId), event())).toBe(0);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await deliveriesOf(endpoint.id)).reduce((n, d) => n + d.attempts, 0)).toBe(before);
    const held = (await deliveriesOf(endpoint.id)).filter((d) => d.status === 'pending');
    expect(held.length).toBeGreaterThan(0);

    await receiver.start();
    expect((await call('PATCH', `/v1/webhooks/${endpoint.id}`, { enabled: true })).body).toMatchObject({
      enabled: true,
      consecutiveFailures: 0,
    });
    const finalState = await until(
      () => deliveriesOf(endpoint.id),
      (items) => items.every((d) => d.status === 'succeeded'),
      20_000,
    );
    expect(finalState).toHaveLength(events.length);
    const successes = receiver.successesByEvent();
    for (const d of held) expect(successes.get(d.eventId)).toHaveLength(1);
  });

  it('marks a delivery failed when its retry window ends; a manual retry sends it again, a success is never retried', async () => {
    const receiver = await newReceiver();
    receiver.answerByDefault(503);
    const endpoint = await endpointFor(receiver);
    const sent = event();
    await suite.outbox.enqueue(tenantScope(owner.tenantId), sent);
    const [failed] = await until(
      () => deliveriesOf(endpoint.id),
      (items) => items[0]?.status === 'failed',
      20_000,
    );
    expect(failed).toMatchObject({ status: 'failed', nextAttemptAt: null, lastStatusCode: 503, lastError: 'HTTP 503' });
    expect(failed.attempts).toBeGreaterThanOrEqual(3);
    expect((await call('GET', `/v1/webhooks/${endpoint.id}/deliveries?status=failed`)).body.items).toHaveLength(1);

    receiver.answerByDefault(200);
    const retried = await call('POST', `/v1/webhooks/${endpoint.id}/deliveries/${failed.id}/retry`);
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ id: failed.id, status: 'pending' });
    const [done] = await until(
      () => deliveriesOf(endpoint.id),
      (items) => items[0]?.status === 'succeeded',
    );
    expect(done.attempts).toBe(failed.attempts + 1);
    expect(done.attemptLog.at(-1)).toMatchObject({
      number: failed.attempts + 1,
      outcome: 'succeeded',
      statusCode: 200,
    });

    const again = await call('POST', `/v1/webhooks/${endpoint.id}/deliveries/${failed.id}/retry`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CONFLICT');
    expect((await call('POST', `/v1/webhooks/${endpoint.id}/deliveries/${randomUUID()}/retry`)).status).toBe(404);
    expect(receiver.successesByEvent().get(sent.id)).toHaveLength(1);
  });

  it('checks the address again at delivery: a URL that now points at a refused address fails without a request', async () => {
    const receiver = await newReceiver();
    const endpoint = await endpointFor(receiver);
    // As if DNS had changed since registration: the stored URL now leads to IPv6 loopback, which is not allowlisted.
    await suite.prisma.webhookEndpoint.update({
      where: { id: endpoint.id },
      data: { url: receiver.url().replace('127.0.0.1', '[::1]') },
    });
    await suite.outbox.enqueue(tenantScope(owner.tenantId), event());
    const [delivery] = await until(
      () => deliveriesOf(endpoint.id),
      (items) => (items[0]?.attempts ?? 0) >= 1 && items[0].status !== 'sending',
    );
    expect(delivery.lastError).toContain('::1, a loopback address');
    expect(delivery.lastStatusCode).toBeNull();
    expect(receiver.requests).toHaveLength(0);
  });
});
