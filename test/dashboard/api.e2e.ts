// The dashboard's own server side: /admin static serving with deep links, GET /v1/usage from counters, and
// GET/PATCH /v1/settings (persisted, bounded by the operator's limits, scoped and audited).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { tenantScope } from '@mailroom/persistence';
import { UsageCounters } from '../../apps/gateway/src/modules/usage/usage-counters.service.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { bearer, createApiKey, signUpTenant, type SignedUpTenant } from '../support/factories.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';

let database: TestDatabase;
let gateway: TestGateway;
let tenant: SignedUpTenant;
let other: SignedUpTenant;

async function call(
  method: string,
  path: string,
  credential: string,
  body?: unknown,
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${gateway.url}${path}`, {
    method,
    headers: { ...bearer(credential), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

beforeAll(async () => {
  database = await createTestDatabase();
  gateway = await startTestGateway({
    DATABASE_URL: database.url,
    XMTP_API_URL: 'http://127.0.0.1:1',
    RATE_LIMIT_PER_MINUTE: '500',
    RATE_LIMIT_TENANT_PER_MINUTE: '2000',
  });
  [tenant, other] = await Promise.all([signUpTenant(gateway), signUpTenant(gateway)]);
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await database?.drop();
});

describe('/admin', () => {
  it('serves the app at /admin/ and at every deep link, with a strict CSP; hashed assets are files', async () => {
    const redirect = await fetch(`${gateway.url}/admin`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('/admin/');

    for (const path of [
      '/admin/',
      '/admin/identities/0b6c8a3e-3f0e-4f55-9d53-2c5f8a1b9e11/conversations',
      '/admin/settings',
    ]) {
      const res = await fetch(`${gateway.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      const html = await res.text();
      expect(html).toContain('<div id="root"></div>');
    }

    const html = await (await fetch(`${gateway.url}/admin/`)).text();
    const script = /src="(\/admin\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${gateway.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toContain('immutable');

    const missing = await fetch(`${gateway.url}/admin/assets/index-missing.js`);
    expect(missing.status).toBe(404);
  });

  it('leaves the API alone: unknown /v1 routes still answer problem+json 404', async () => {
    const res = await fetch(`${gateway.url}/v1/no-such-route`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });
});

describe('GET /v1/usage', () => {
  it('reads 14 days of counters, per tenant, and the webhook success rate', async () => {
    const counters = gateway.app.get(UsageCounters);
    const scope = tenantScope(tenant.tenantId);
    const today = new Date();
    const threeDaysAgo = new Date(today.getTime() - 3 * 86_400_000);
    const longAgo = new Date(today.getTime() - 20 * 86_400_000);
    await Promise.all([
      // Concurrent increments of one row must all count.
      ...Array.from({ length: 10 }, () => counters.increment(scope, 'messages.sent')),
      counters.increment(scope, 'messages.received', 4),
      counters.increment(scope, 'messages.received', 2, { at: threeDaysAgo }),
      counters.increment(scope, 'messages.sent', 99, { at: longAgo }),
      counters.increment(scope, 'webhooks.succeeded', 3),
      counters.increment(scope, 'webhooks.failed', 1),
      counters.increment(tenantScope(other.tenantId), 'messages.sent', 7),
    ]);
    // Counts made outside a transaction are batched in memory and written at the next flush (every second).
    await counters.flush();

    const { status, body } = await call('GET', '/v1/usage', tenant.adminToken);
    expect(status).toBe(200);
    expect(body.daily).toHaveLength(14);
    expect(body.daily[13]).toEqual({ day: today.toISOString().slice(0, 10), messagesSent: 10, messagesReceived: 4 });
    expect(body.daily[10]).toEqual({
      day: threeDaysAgo.toISOString().slice(0, 10),
      messagesSent: 0,
      messagesReceived: 2,
    });
    expect(body.totals).toEqual({ messagesSent: 10, messagesReceived: 6 });
    expect(body.webhooks).toEqual({ succeeded: 3, failed: 1, successRate: 0.75 });
    expect(body.identities).toEqual({ total: 0, active: 0, broken: 0 });
    expect(body.liveClients).toBe(0);
    expect(body.installationAlerts).toEqual([]);

    const theirs = await call('GET', '/v1/usage', other.adminToken);
    expect(theirs.body.totals).toEqual({ messagesSent: 7, messagesReceived: 0 });
    expect(theirs.body.webhooks.successRate).toBeNull();
  });

  it('counts inside the caller’s transaction, and not at all when it rolls back', async () => {
    const counters = gateway.app.get(UsageCounters);
    const scope = tenantScope(other.tenantId);
    const prisma = gateway.runtime.prisma;
    await expect(
      prisma.$transaction(async (tx) => {
        await counters.increment(scope, 'webhooks.failed', 5, { db: tx });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await prisma.$transaction((tx) => counters.increment(scope, 'webhooks.succeeded', 1, { db: tx }));
    const { body } = await call('GET', '/v1/usage', other.adminToken);
    expect(body.webhooks).toEqual({ succeeded: 1, failed: 0, successRate: 1 });
  });

  it('takes an API key with scope `keys` only', async () => {
    const withKeys = await createApiKey(gateway, tenant.adminToken, ['keys']);
    const without = await createApiKey(gateway, tenant.adminToken, ['identities', 'messages', 'webhooks']);
    expect((await call('GET', '/v1/usage', withKeys.key)).status).toBe(200);
    expect((await call('GET', '/v1/usage', without.key)).status).toBe(403);
    expect((await fetch(`${gateway.url}/v1/usage`)).status).toBe(401);
  });
});

describe('/v1/settings', () => {
  it('starts on the operator defaults', async () => {
    const { status, body } = await call('GET', '/v1/settings', tenant.adminToken);
    expect(status).toBe(200);
    expect(body.rateLimits.perCredentialPerMinute).toEqual({ value: 500, default: 500, custom: false, max: 500 });
    expect(body.rateLimits.perTenantPerMinute).toEqual({ value: 2000, default: 2000, custom: false, max: 2000 });
    expect(body.attachments.store).toEqual({
      value: 'filesystem',
      default: 'filesystem',
      custom: false,
      available: ['filesystem'],
    });
    expect(body.attachments.maxBytes).toEqual({
      value: 100 * 1024 * 1024,
      default: 100 * 1024 * 1024,
      custom: false,
      max: 100 * 1024 * 1024,
    });
    expect(body.updatedAt).toBeNull();
  });

  it('persists a partial change, keeps other fields, resets with null, and audits it', async () => {
    const first = await call('PATCH', '/v1/settings', tenant.adminToken, {
      attachments: { maxBytes: 5 * 1024 * 1024, maxFiles: 3 },
      rateLimits: { perCredentialPerMinute: 120 },
    });
    expect(first.status).toBe(200);
    expect(first.body.attachments.maxBytes).toMatchObject({ value: 5 * 1024 * 1024, custom: true });
    expect(first.body.rateLimits.perCredentialPerMinute).toMatchObject({ value: 120, custom: true });

    const second = await call('PATCH', '/v1/settings', tenant.adminToken, {
      attachments: { store: 'filesystem', maxFiles: null },
    });
    expect(second.body.attachments.store).toMatchObject({ value: 'filesystem', custom: true });
    expect(second.body.attachments.maxFiles).toMatchObject({ custom: false });
    expect(second.body.attachments.maxBytes.value).toBe(5 * 1024 * 1024);

    const read = await call('GET', '/v1/settings', tenant.adminToken);
    expect(read.body).toEqual(second.body);
    expect((await call('GET', '/v1/settings', other.adminToken)).body.attachments.store.custom).toBe(false);

    const audit = await call('GET', '/v1/audit-log', tenant.adminToken);
    expect(audit.body.items.filter((i: { action: string }) => i.action === 'settings.updated')).toHaveLength(2);
  });

  it('refuses values outside the bounds with problem+json field errors', async () => {
    const tooFast = await call('PATCH', '/v1/settings', tenant.adminToken, {
      rateLimits: { perTenantPerMinute: 2001 },
    });
    expect(tooFast.status).toBe(400);
    expect(tooFast.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(tooFast.body.code).toBe('VALIDATION_FAILED');
    expect(tooFast.body.errors).toEqual([
      { field: 'rateLimits.perTenantPerMinute', message: 'must be at most 2000 (the operator limit)' },
    ]);

    const unconfigured = await call('PATCH', '/v1/settings', tenant.adminToken, {
      attachments: { store: 'ipfs', maxBytes: 200 * 1024 * 1024 },
    });
    expect(unconfigured.status).toBe(400);
    expect(unconfigured.body.errors).toEqual([
      { field: 'attachments.store', message: 'must be one of the stores this gateway has configured: filesystem' },
      { field: 'attachments.maxBytes', message: `must be at most ${100 * 1024 * 1024} (the operator limit)` },
    ]);

    for (const body of [
      { attachments: { store: 'ftp' } },
      { attachments: { maxFiles: 0 } },
      { attachments: { maxBytes: 1.5 } },
      { rateLimits: { perCredentialPerMinute: -1 } },
    ]) {
      const res = await call('PATCH', '/v1/settings', tenant.adminToken, body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
  });
});
