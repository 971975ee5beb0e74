import { describe, expect, it } from '@jest/globals';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { OutboundRefusedError, type OutboundPolicy } from '../../common/outbound/index.js';
import { InMemoryAuditRepository } from '../../testing/fakes/in-memory-audit-repository.js';
import { InMemoryUnitOfWork } from '../../testing/fakes/in-memory-unit-of-work.js';
import { InMemoryWebhookRepository } from '../../testing/fakes/in-memory-webhook-repository.js';
import { adminOf, TENANT_A, TENANT_B } from '../../testing/principals.js';
import { AuditService } from '../audit/audit.service.js';
import type { WebhookSecrets } from './webhook-secrets.js';
import { WebhookWakeup } from './webhook-wakeup.js';
import { WebhooksService } from './webhooks.service.js';

const policy = {
  check: async (raw: string) => {
    const url = new URL(raw);
    if (url.hostname === '127.0.0.1') throw new OutboundRefusedError('loopback addresses are not allowed');
    return { url };
  },
} as unknown as OutboundPolicy;

function setUp(limits = { maxEndpointsPerTenant: 50 }) {
  const webhooks = new InMemoryWebhookRepository();
  const audit = new InMemoryAuditRepository();
  let secrets = 0;
  const generate = () => `whsec_${++secrets}`;
  const seal = (_id: string, secret: string) => ({
    wrappedDataKey: new Uint8Array([secrets]),
    sealedSecret: new TextEncoder().encode(secret),
  });
  const rotate = (id: string) => {
    const secret = generate();
    return { secret, sealed: seal(id, secret) };
  };
  const sealer = { generate, seal, rotate } as unknown as WebhookSecrets;
  const wakeup = new WebhookWakeup();
  let wakes = 0;
  wakeup.onWake(() => wakes++);
  const service = new WebhooksService(
    webhooks,
    new InMemoryUnitOfWork(webhooks, audit.table),
    new AuditService(audit),
    sealer,
    policy,
    wakeup,
    limits,
  );
  return { service, webhooks, audit, wakes: () => wakes };
}

const errorOf = (promise: Promise<unknown>): Promise<DomainError> =>
  promise.then(
    () => undefined as never,
    (e: unknown) => e as DomainError,
  );

describe('WebhooksService (in-memory repositories)', () => {
  it('registers an endpoint with its secret shown once, deduplicated events, and an audit row', async () => {
    const { service, webhooks, audit } = setUp();
    const created = await service.create(TENANT_A, adminOf(TENANT_A), {
      url: 'https://hooks.example/in',
      events: ['message.received', 'message.received'],
    });
    expect(created.secret).toBe('whsec_1');
    expect(created.events).toEqual(['message.received']);
    expect(webhooks.endpoints.get(TENANT_A, created.id)!.sealedSecret).toEqual(new TextEncoder().encode('whsec_1'));
    expect(JSON.stringify(await service.get(TENANT_A, created.id))).not.toContain('whsec_');
    expect(audit.actions(TENANT_A)).toEqual(['webhook.created']);
  });

  it('caps the endpoints one tenant may register, without touching other tenants', async () => {
    const { service, webhooks } = setUp({ maxEndpointsPerTenant: 2 });
    const input = { url: 'https://hooks.example/in', events: ['message.received' as const] };
    await service.create(TENANT_A, adminOf(TENANT_A), input);
    await service.create(TENANT_A, adminOf(TENANT_A), input);
    const error = await errorOf(service.create(TENANT_A, adminOf(TENANT_A), input));
    expect(error.code).toBe(ErrorCode.Conflict);
    expect(error.details).toMatchObject({ limit: 'webhook_endpoints' });
    await expect(service.create(TENANT_B, adminOf(TENANT_B), input)).resolves.toMatchObject({
      url: expect.any(String),
    });
    expect(webhooks.endpoints.rows.size).toBe(3);
  });

  it('refuses a URL the outbound policy refuses, as a validation error on url', async () => {
    const { service, webhooks } = setUp();
    const error = await errorOf(
      service.create(TENANT_A, adminOf(TENANT_A), { url: 'http://127.0.0.1/x', events: ['message.received'] }),
    );
    expect(error.code).toBe(ErrorCode.ValidationFailed);
    expect(error.details.errors?.[0]?.field).toBe('url');
    expect(webhooks.endpoints.rows.size).toBe(0);
  });

  it("keeps tenants apart: B cannot see, change, rotate, delete or read deliveries of A's endpoint", async () => {
    const { service, webhooks } = setUp();
    const { id } = await service.create(TENANT_A, adminOf(TENANT_A), {
      url: 'https://hooks.example/a',
      events: ['message.received'],
    });
    const b = adminOf(TENANT_B);
    expect((await service.list(TENANT_B, {})).items).toEqual([]);
    for (const attempt of [
      service.get(TENANT_B, id),
      service.update(TENANT_B, b, id, { enabled: false }),
      service.rotateSecret(TENANT_B, b, id),
      service.remove(TENANT_B, b, id),
      service.deliveries(TENANT_B, id, {}),
    ]) {
      expect((await errorOf(attempt)).code).toBe(ErrorCode.NotFound);
    }
    expect(webhooks.endpoints.get(TENANT_A, id)!.enabled).toBe(true);
  });

  it('disables and re-enables: re-enabling clears the failure state and wakes the dispatcher', async () => {
    const { service, webhooks, wakes } = setUp();
    const { id } = await service.create(TENANT_A, adminOf(TENANT_A), {
      url: 'https://hooks.example/a',
      events: ['message.received'],
    });
    const disabled = await service.update(TENANT_A, adminOf(TENANT_A), id, { enabled: false });
    expect(disabled).toMatchObject({ enabled: false, disabledReason: 'manual' });
    await webhooks.update(TENANT_A, id, { consecutiveFailures: 7 });
    const before = wakes();
    const enabled = await service.update(TENANT_A, adminOf(TENANT_A), id, { enabled: true });
    expect(enabled).toMatchObject({ enabled: true, disabledReason: null, disabledAt: null, consecutiveFailures: 0 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(wakes()).toBeGreaterThan(before);
  });

  it('rotates the secret: a new one is sealed and returned', async () => {
    const { service, webhooks, audit } = setUp();
    const { id } = await service.create(TENANT_A, adminOf(TENANT_A), {
      url: 'https://hooks.example/a',
      events: ['message.received'],
    });
    const rotated = await service.rotateSecret(TENANT_A, adminOf(TENANT_A), id);
    expect(rotated.secret).toBe('whsec_2');
    expect(webhooks.endpoints.get(TENANT_A, id)!.sealedSecret).toEqual(new TextEncoder().encode('whsec_2'));
    expect(audit.actions(TENANT_A)).toContain('webhook.secret_rotated');
  });

  it('leaves push endpoints out of the webhook list, lookups, updates and deletions', async () => {
    const { service, webhooks } = setUp();
    const { id } = await service.create(TENANT_A, adminOf(TENANT_A), {
      url: 'https://push.example/a',
      events: ['message.received'],
    });
    webhooks.pushEndpointIds.add(id);
    expect((await service.list(TENANT_A, {})).items).toEqual([]);
    expect((await errorOf(service.get(TENANT_A, id))).code).toBe(ErrorCode.NotFound);
    expect((await errorOf(service.update(TENANT_A, adminOf(TENANT_A), id, { enabled: false }))).code).toBe(
      ErrorCode.NotFound,
    );
    expect((await errorOf(service.remove(TENANT_A, adminOf(TENANT_A), id))).code).toBe(ErrorCode.NotFound);
    expect(webhooks.endpoints.get(TENANT_A, id)!.enabled).toBe(true);
  });

  it('retries a failed delivery, never a succeeded one, and not while the endpoint is disabled', async () => {
    const { service, webhooks, audit } = setUp();
    const { id } = await service.create(TENANT_A, adminOf(TENANT_A), {
      url: 'https://hooks.example/a',
      events: ['message.received'],
    });
    const failed = webhooks.addDelivery(TENANT_A, id, 'failed');
    const succeeded = webhooks.addDelivery(TENANT_A, id, 'succeeded');

    const retried = await service.retryDelivery(TENANT_A, adminOf(TENANT_A), id, failed.id);
    expect(retried.status).toBe('pending');
    expect(retried.nextAttemptAt).not.toBeNull();
    expect(audit.actions(TENANT_A)).toContain('webhook.delivery_retried');
    expect((await errorOf(service.retryDelivery(TENANT_A, adminOf(TENANT_A), id, succeeded.id))).code).toBe(
      ErrorCode.Conflict,
    );

    await service.update(TENANT_A, adminOf(TENANT_A), id, { enabled: false });
    const again = webhooks.addDelivery(TENANT_A, id, 'failed');
    expect((await errorOf(service.retryDelivery(TENANT_A, adminOf(TENANT_A), id, again.id))).code).toBe(
      ErrorCode.Conflict,
    );
    expect(webhooks.deliveries.get(TENANT_A, again.id)!.status).toBe('failed');
    expect((await errorOf(service.retryDelivery(TENANT_B, adminOf(TENANT_B), id, failed.id))).code).toBe(
      ErrorCode.NotFound,
    );
  });

  it('lists deliveries by status, newest first', async () => {
    const { service, webhooks } = setUp();
    const { id } = await service.create(TENANT_A, adminOf(TENANT_A), {
      url: 'https://hooks.example/a',
      events: ['message.received'],
    });
    webhooks.addDelivery(TENANT_A, id, 'failed');
    webhooks.addDelivery(TENANT_A, id, 'succeeded');
    const failedOnly = await service.deliveries(TENANT_A, id, { status: 'failed' });
    expect(failedOnly.items.map((d) => d.status)).toEqual(['failed']);
    expect((await service.deliveries(TENANT_A, id, {})).items).toHaveLength(2);
  });
});
