import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrismaClient, type PrismaClient } from '@mailroom/persistence';
import { createApiKey, signUpTenant } from '../support/factories.js';
import type { TestGateway } from '../support/gateway.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { createStage, type Stage } from '../wallets/support.js';
import { jsonCaller } from './support.js';

/**
 * A push endpoint is stored over a webhook endpoint row, but /v1/webhooks/:id manages webhooks only: the id of a push
 * endpoint's row is unknown there, to PATCH and DELETE as to GET, and the push endpoint is left as it was.
 */
let stage: Stage;
let gateway: TestGateway;
let prisma: PrismaClient;
let receiver: WebhookReceiver;
let key = '';
const call = jsonCaller(
  () => gateway.url,
  () => key,
);

beforeAll(async () => {
  stage = await createStage('push-ids');
  gateway = await stage.startGateway();
  prisma = createPrismaClient(stage.database.url);
  const tenant = await signUpTenant(gateway);
  key = (await createApiKey(gateway, tenant.adminToken)).key;
  receiver = await WebhookReceiver.start();
});

afterAll(async () => {
  await receiver?.close();
  await prisma?.$disconnect();
  await gateway?.stop();
  await stage?.close();
});

function expectNotFoundProblem(res: { status: number; body: any }): void {
  expect(res.status).toBe(404);
  expect(res.body).toMatchObject({ status: 404, code: 'NOT_FOUND', detail: 'Webhook not found.' });
}

describe('/v1/webhooks/:id and push endpoints', () => {
  it("answers 404 problem+json to PATCH and DELETE of a push endpoint's id and leaves the push endpoint as it was", async () => {
    const identity = await call('POST', '/v1/identities', { label: 'pushed' });
    expect(identity.status).toBe(201);
    const push = await call('PUT', `/v1/identities/${identity.body.id}/push-endpoint`, { url: receiver.url('/push') });
    expect(push.status).toBe(200);
    const { webhookEndpointId } = await prisma.pushEndpoint.findFirstOrThrow({
      where: { identityId: identity.body.id },
    });
    const before = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: webhookEndpointId } });

    const patched = await fetch(`${gateway.url}/v1/webhooks/${webhookEndpointId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: false, url: receiver.url('/elsewhere'), events: ['message.sent'] }),
    });
    expect(patched.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expectNotFoundProblem({ status: patched.status, body: await patched.json() });
    expectNotFoundProblem(await call('DELETE', `/v1/webhooks/${webhookEndpointId}`));
    expectNotFoundProblem(await call('POST', `/v1/webhooks/${webhookEndpointId}/rotate-secret`));

    const after = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: webhookEndpointId } });
    expect(after).toMatchObject({ url: before.url, events: before.events, enabled: true, updatedAt: before.updatedAt });
    const still = await call('GET', `/v1/identities/${identity.body.id}/push-endpoint`);
    expect(still.status).toBe(200);
    expect(still.body).toMatchObject({ enabled: true, url: receiver.url('/push') });
    const audit = await prisma.auditLog.findMany({ where: { targetId: webhookEndpointId } });
    expect(audit.map((e) => e.action)).not.toContain('webhook.updated');
    expect(audit.map((e) => e.action)).not.toContain('webhook.deleted');

    // A webhook of the same tenant is still changed and deleted through these routes.
    const hook = await call('POST', '/v1/webhooks', { url: receiver.url('/hook'), events: ['message.received'] });
    expect(hook.status).toBe(201);
    expect((await call('PATCH', `/v1/webhooks/${hook.body.id}`, { enabled: false })).body.enabled).toBe(false);
    expect((await call('DELETE', `/v1/webhooks/${hook.body.id}`)).status).toBe(204);
  });
});
