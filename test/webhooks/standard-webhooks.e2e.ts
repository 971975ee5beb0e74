import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { tenantScope } from '@mailroom/persistence';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { verifyMailroomSignature } from '../../apps/gateway/src/modules/webhooks/index.js';
import { WebhookSecrets } from '../../apps/gateway/src/modules/webhooks/webhook-secrets.js';
import { createApiKey, signUpTenant, type SignedUpTenant } from '../support/factories.js';
import { jsonCaller, until, webhookEvent, webhookSuite } from './support.js';
import { WebhookReceiver, type ReceivedWebhook } from '../support/webhook-receiver.js';

const OVERLAP_SECONDS = 3;

const suite = webhookSuite({
  WEBHOOK_RETRY_BASE_MS: '200',
  WEBHOOK_RETRY_MAX_DELAY_MS: '400',
  WEBHOOK_POLL_INTERVAL_MS: '100',
  WEBHOOK_TIMEOUT_MS: '2000',
  WEBHOOK_SECRET_OVERLAP_SECONDS: String(OVERLAP_SECONDS),
});
let owner: SignedUpTenant;
let key: string;

const call = jsonCaller(
  () => suite.gateway.url,
  () => key,
);

const event = () =>
  webhookEvent(owner.tenantId, { data: { conversationId: 'c1', content: { type: 'text', text: 'héllo' } } });

/** A fresh tenant (its events reach only its endpoints), a receiver and an endpoint on it. */
async function setUpEndpoint(): Promise<{ receiver: WebhookReceiver; id: string; secret: string }> {
  owner = await signUpTenant(suite.gateway);
  key = (await createApiKey(suite.gateway, owner.adminToken, ['webhooks'])).key;
  const receiver = await WebhookReceiver.start();
  suite.receivers.push(receiver);
  const res = await call('POST', '/v1/webhooks', { url: receiver.url(), events: ['message.received'] });
  expect(res.status).toBe(201);
  return { receiver, id: res.body.id, secret: res.body.secret };
}

async function deliver(receiver: WebhookReceiver, count = 1): Promise<ReceivedWebhook> {
  const before = receiver.requests.length;
  await suite.outbox.enqueue(tenantScope(owner.tenantId), event());
  await receiver.waitFor((r) => r.requests.length >= before + count && r.requests.at(-1)!.answered);
  return receiver.requests.at(-1)!;
}

/** What each verifier makes of one received request with one secret: true when it accepts it. */
function verdicts(request: ReceivedWebhook, secret: string) {
  const headers = request.headers as Record<string, string>;
  const accepts = (verify: () => unknown) => {
    try {
      verify();
      return true;
    } catch {
      return false;
    }
  };
  return {
    standardwebhooks: accepts(() => new StandardWebhook(secret).verify(request.rawBody, headers)),
    svix: accepts(() => new SvixWebhook(secret).verify(request.rawBody, headers)),
    mailroom: verifyMailroomSignature({
      secret,
      timestamp: request.timestamp,
      rawBody: request.rawBody,
      signatureHeader: request.signature,
    }),
  };
}

const ALL = { standardwebhooks: true, svix: true, mailroom: true };
const NONE = { standardwebhooks: false, svix: false, mailroom: false };

describe('Standard Webhooks', () => {
  it('a real delivery verifies with the standardwebhooks and svix packages and the Mailroom verifier; webhook-id is the event id on every attempt', async () => {
    const { receiver, secret } = await setUpEndpoint();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    receiver.answer(503);
    const sent = event();
    await suite.outbox.enqueue(tenantScope(owner.tenantId), sent);
    await receiver.waitFor((r) => r.requests.length === 2 && r.requests[1]!.answered);
    const [first, retry] = receiver.requests as [ReceivedWebhook, ReceivedWebhook];
    for (const request of [first, retry]) {
      expect(request.headers['webhook-id']).toBe(sent.id);
      expect(request.headers['webhook-timestamp']).toBe(request.timestamp);
      expect(request.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
      expect(request.signature).toMatch(/^v1=[0-9a-f]{64}$/);
      expect(verdicts(request, secret)).toEqual(ALL);
    }
    expect([first.attempt, retry.attempt]).toEqual([1, 2]);
    expect(new StandardWebhook(secret).verify(retry.rawBody, retry.headers as Record<string, string>)).toMatchObject({
      id: sent.id,
      type: 'message.received',
    });
    expect(verdicts({ ...retry, rawBody: retry.rawBody.replace('héllo', 'hello') }, secret)).toEqual(NONE);
    expect(verdicts(retry, 'whsec_' + randomBytes(32).toString('base64'))).toEqual(NONE);
  });

  it('after a rotation both secrets sign until the overlap ends, then only the new one', async () => {
    const { receiver, id, secret: old } = await setUpEndpoint();
    const rotated = await call('POST', `/v1/webhooks/${id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.secret as string;
    expect(fresh).not.toBe(old);
    const expiresAt = Date.parse(rotated.body.previousSecretExpiresAt);
    expect(Math.abs(expiresAt - (Date.now() + OVERLAP_SECONDS * 1000))).toBeLessThan(2000);

    const during = await deliver(receiver);
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(during.signature.split(',')).toHaveLength(2);
    expect(verdicts(during, fresh)).toEqual(ALL);
    expect(verdicts(during, old)).toEqual(ALL);

    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now()) + 200));
    const after = await deliver(receiver);
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verdicts(after, fresh)).toEqual(ALL);
    expect(verdicts(after, old)).toEqual(NONE);

    // A second rotation during an overlap keeps only the secret it replaces.
    const second = (await call('POST', `/v1/webhooks/${id}/rotate-secret`)).body.secret as string;
    const third = (await call('POST', `/v1/webhooks/${id}/rotate-secret`)).body.secret as string;
    const latest = await deliver(receiver);
    expect(verdicts(latest, third)).toEqual(ALL);
    expect(verdicts(latest, second)).toEqual(ALL);
    expect(verdicts(latest, fresh)).toEqual(NONE);
  }, 30_000);

  it('an endpoint still holding a base64url secret keeps working; its standard-base64 spelling verifies with strict verifiers', async () => {
    const { receiver, id } = await setUpEndpoint();
    let legacy: string;
    do legacy = 'whsec_' + randomBytes(32).toString('base64url');
    while (!/[-_]/.test(legacy));
    await suite.prisma.webhookEndpoint.update({
      where: { id },
      data: suite.gateway.app.get(WebhookSecrets).seal(id, legacy),
    });
    const request = await deliver(receiver);
    expect(
      verifyMailroomSignature({
        secret: legacy,
        timestamp: request.timestamp,
        rawBody: request.rawBody,
        signatureHeader: request.signature,
      }),
    ).toBe(true);
    const standardSpelling = 'whsec_' + Buffer.from(legacy.slice(6), 'base64url').toString('base64');
    expect(verdicts(request, standardSpelling)).toMatchObject({ standardwebhooks: true, svix: true });
  });

  it('POST /v1/webhooks/:id/test sends a signed webhook.test event through the outbox and answers 202 with its delivery', async () => {
    const { receiver, id, secret } = await setUpEndpoint();
    const res = await call('POST', `/v1/webhooks/${id}/test`);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ eventType: 'webhook.test', eventId: expect.stringMatching(/^evt_test_/) });
    expect(JSON.parse(res.body.body)).toMatchObject({
      id: res.body.eventId,
      type: 'webhook.test',
      tenantId: owner.tenantId,
      data: { webhookId: id },
    });
    await receiver.waitFor((r) => r.requests.length === 1 && r.requests[0]!.answered);
    const [request] = receiver.requests as [ReceivedWebhook];
    expect(verdicts(request, secret)).toEqual(ALL);
    expect(new SvixWebhook(secret).verify(request.rawBody, request.headers as Record<string, string>)).toMatchObject({
      type: 'webhook.test',
    });
    expect(request.headers['webhook-id']).toBe(res.body.eventId);

    const listed = await until(
      async () => (await call('GET', `/v1/webhooks/${id}/deliveries`)).body.items as any[],
      (items) => items[0]?.status === 'succeeded',
    );
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: res.body.id, eventType: 'webhook.test', attempts: 1, lastStatusCode: 200 });

    expect((await call('POST', `/v1/webhooks/${randomUUID()}/test`)).status).toBe(404);
    const otherTenant = await setUpEndpoint();
    expect((await call('POST', `/v1/webhooks/${id}/test`)).status).toBe(404);
    expect((await call('PATCH', `/v1/webhooks/${otherTenant.id}`, { enabled: false })).status).toBe(200);
    const disabled = await call('POST', `/v1/webhooks/${otherTenant.id}/test`);
    expect(disabled.status).toBe(409);
    expect(disabled.body.code).toBeDefined();
  });

  it("the delivery log shows the body as sent, the headers sent (no secret), and each answer's status and first KiB", async () => {
    const { receiver, id, secret } = await setUpEndpoint();
    receiver.answerWithBody('x'.repeat(3000)).answer(500);
    const sent = event();
    await suite.outbox.enqueue(tenantScope(owner.tenantId), sent);
    await receiver.waitFor((r) => r.requests.length === 1 && r.requests[0]!.answered);
    receiver.answerWithBody('{"thanks":true}');
    await receiver.waitFor((r) => r.requests.length === 2 && r.requests[1]!.answered);
    const listed = await until(
      async () => (await call('GET', `/v1/webhooks/${id}/deliveries`)).body.items as any[],
      (items) => items[0]?.status === 'succeeded',
    );
    const one = await call('GET', `/v1/webhooks/${id}/deliveries/${listed[0].id}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(listed[0]);
    const delivery = one.body;
    expect(delivery.body).toBe(receiver.requests[0]!.rawBody);
    expect(delivery.bodyPurgedAt).toBeNull();
    expect(delivery.attemptLog).toHaveLength(2);
    const [failed, succeeded] = delivery.attemptLog;
    expect(failed).toMatchObject({ number: 1, outcome: 'failed', statusCode: 500, responseBody: 'x'.repeat(1024) });
    expect(succeeded).toMatchObject({
      number: 2,
      outcome: 'succeeded',
      statusCode: 200,
      responseBody: '{"thanks":true}',
    });
    receiver.requests.forEach((request, i) => {
      const logged = delivery.attemptLog[i].requestHeaders;
      for (const name of [
        'webhook-id',
        'webhook-timestamp',
        'webhook-signature',
        'mailroom-signature',
        'mailroom-timestamp',
        'mailroom-attempt',
        'user-agent',
      ]) {
        expect(logged[name]).toBe(request.headers[name]);
      }
    });
    expect(JSON.stringify(delivery)).not.toContain(secret.slice('whsec_'.length));

    await suite.prisma.webhookDelivery.update({
      where: { id: delivery.id },
      data: { body: null, bodyPurgedAt: new Date() },
    });
    const purged = (await call('GET', `/v1/webhooks/${id}/deliveries/${delivery.id}`)).body;
    expect(purged.body).toBeNull();
    expect(purged.bodyPurgedAt).toEqual(expect.any(String));
    expect(purged.attemptLog[1].responseBody).toBe('{"thanks":true}');

    expect((await call('GET', `/v1/webhooks/${id}/deliveries/${randomUUID()}`)).status).toBe(404);
    await setUpEndpoint();
    expect((await call('GET', `/v1/webhooks/${id}/deliveries/${delivery.id}`)).status).toBe(404);
  });
});
