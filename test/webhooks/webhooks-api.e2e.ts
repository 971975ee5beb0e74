import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrismaClient, type PrismaClient } from '@mailroom/persistence';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { bearer, createApiKey, signUpTenant } from '../support/factories.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';

let database: TestDatabase;
let gateway: TestGateway;
let prisma: PrismaClient;
let keyA: string;
let keyB: string;
let tenantA: string;
const MASTER_KEY = 'ab'.repeat(32);

async function call(method: string, path: string, key: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(new URL(path, gateway.url), {
    method,
    headers: { ...bearer(key), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

beforeAll(async () => {
  database = await createTestDatabase();
  // Only the loopback address 127.0.0.1 is allowed, so the rest of loopback and private space stays refused.
  gateway = await startTestGateway({
    DATABASE_URL: database.url,
    GATEWAY_MASTER_KEY: MASTER_KEY,
    XMTP_API_URL: 'http://127.0.0.1:1',
    OUTBOUND_ALLOWLIST: '127.0.0.1',
  });
  prisma = createPrismaClient(database.url);
  const a = await signUpTenant(gateway);
  const b = await signUpTenant(gateway);
  tenantA = a.tenantId;
  keyA = (await createApiKey(gateway, a.adminToken, ['webhooks'])).key;
  keyB = (await createApiKey(gateway, b.adminToken, ['webhooks'])).key;
}, 60_000);

afterAll(async () => {
  await prisma?.$disconnect();
  await gateway?.close();
  await database?.drop();
});

describe('webhook endpoints', () => {
  it('creates an endpoint and shows its secret once; the database holds it only sealed', async () => {
    const created = await call('POST', '/v1/webhooks', keyA, {
      url: 'http://127.0.0.1:9/hook',
      events: ['message.received', 'message.sent'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      url: 'http://127.0.0.1:9/hook',
      events: ['message.received', 'message.sent'],
      enabled: true,
    });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.body.createdAt).toEqual(expect.any(String));

    const read = await call('GET', `/v1/webhooks/${created.body.id}`, keyA);
    expect(read.status).toBe(200);
    expect(read.body).not.toHaveProperty('secret');
    const listed = await call('GET', '/v1/webhooks', keyA);
    expect(listed.body.items.map((w: { id: string }) => w.id)).toContain(created.body.id);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);

    const rows = await prisma.$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT * FROM webhook_endpoints WHERE id = '${created.body.id}'`,
    );
    const dump = JSON.stringify(rows, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
    expect(dump).not.toContain(created.body.secret);
    expect(dump).not.toContain(created.body.secret.slice(6));
  });

  it('rotates the secret: a new one, shown once', async () => {
    const created = await call('POST', '/v1/webhooks', keyA, {
      url: 'http://127.0.0.1:9/rotate',
      events: ['message.received'],
    });
    const rotated = await call('POST', `/v1/webhooks/${created.body.id}/rotate-secret`, keyA);
    expect(rotated.status).toBe(200);
    expect(rotated.body).toEqual({
      id: created.body.id,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
      previousSecretExpiresAt: expect.any(String),
    });
    expect(rotated.body.secret).not.toBe(created.body.secret);
    const audit = await call('GET', '/v1/audit-log', (await signUpTenant(gateway)).adminToken);
    expect(audit.status).toBe(200);
  });

  it('updates url, events and enabled, and deletes', async () => {
    const created = await call('POST', '/v1/webhooks', keyA, {
      url: 'http://127.0.0.1:9/a',
      events: ['message.received'],
    });
    const id = created.body.id;
    const patched = await call('PATCH', `/v1/webhooks/${id}`, keyA, {
      url: 'http://127.0.0.1:9/b',
      events: ['consent.updated'],
      enabled: false,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      url: 'http://127.0.0.1:9/b',
      events: ['consent.updated'],
      enabled: false,
      disabledReason: 'manual',
    });
    const resumed = await call('PATCH', `/v1/webhooks/${id}`, keyA, { enabled: true });
    expect(resumed.body).toMatchObject({ enabled: true, disabledReason: null, consecutiveFailures: 0 });
    expect((await call('DELETE', `/v1/webhooks/${id}`, keyA)).status).toBe(204);
    expect((await call('GET', `/v1/webhooks/${id}`, keyA)).status).toBe(404);
    expect((await call('DELETE', `/v1/webhooks/${id}`, keyA)).status).toBe(404);
  });

  it('pages the list with limit and cursor', async () => {
    const fresh = await signUpTenant(gateway);
    const key = (await createApiKey(gateway, fresh.adminToken, ['webhooks'])).key;
    for (let i = 0; i < 3; i++)
      await call('POST', '/v1/webhooks', key, { url: `http://127.0.0.1:9/p${i}`, events: ['message.received'] });
    const first = await call('GET', '/v1/webhooks?limit=2', key);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await call('GET', `/v1/webhooks?limit=2&cursor=${first.body.nextCursor}`, key);
    expect(second.body).toMatchObject({ nextCursor: null });
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0].url).toBe('http://127.0.0.1:9/p0');
  });

  it("answers 404 for another tenant's endpoint on every route", async () => {
    const created = await call('POST', '/v1/webhooks', keyA, {
      url: 'http://127.0.0.1:9/iso',
      events: ['message.received'],
    });
    const id = created.body.id;
    const delivery = await prisma.webhookDelivery.create({
      data: {
        tenantId: tenantA,
        endpointId: id,
        eventId: 'iso-1',
        eventType: 'message.received',
        body: '{}',
        status: 'failed',
      },
    });
    for (const [method, path, body] of [
      ['GET', `/v1/webhooks/${id}`],
      ['PATCH', `/v1/webhooks/${id}`, { enabled: false }],
      ['DELETE', `/v1/webhooks/${id}`],
      ['POST', `/v1/webhooks/${id}/rotate-secret`],
      ['GET', `/v1/webhooks/${id}/deliveries`],
      ['POST', `/v1/webhooks/${id}/deliveries/${delivery.id}/retry`],
    ] as const) {
      const res = await call(method, path, keyB, body);
      expect([method, path, res.status, res.body.code]).toEqual([method, path, 404, 'NOT_FOUND']);
    }
    const listed = await call('GET', '/v1/webhooks', keyB);
    expect(listed.body.items).toEqual([]);
    expect((await call('GET', `/v1/webhooks/${id}`, keyA)).body.enabled).toBe(true);
  });

  it('requires the webhooks scope', async () => {
    const admin = await signUpTenant(gateway);
    const key = (await createApiKey(gateway, admin.adminToken, ['messages'])).key;
    expect((await call('GET', '/v1/webhooks', key)).status).toBe(403);
    expect((await call('GET', '/v1/webhooks', admin.adminToken)).status).toBe(200);
  });

  it('validates events and urls', async () => {
    const badEvent = await call('POST', '/v1/webhooks', keyA, {
      url: 'http://127.0.0.1:9/x',
      events: ['message.deleted'],
    });
    expect(badEvent.status).toBe(400);
    const none = await call('POST', '/v1/webhooks', keyA, { url: 'http://127.0.0.1:9/x', events: [] });
    expect(none.status).toBe(400);
  });

  it.each([
    ['http://127.0.0.2:8080/hook', 'loopback'],
    ['http://10.0.0.1/hook', 'private'],
    ['http://192.168.1.10/hook', 'private'],
    ['http://169.254.169.254/latest/meta-data', 'link-local'],
    ['http://100.64.0.1/', 'carrier-grade NAT'],
    ['http://[::1]:8080/hook', 'loopback'],
    ['http://[::ffff:10.0.0.1]/hook', 'private'],
    ['http://[fd00::1]/hook', 'unique local'],
    ['http://0.0.0.0/hook', 'unspecified'],
    ['ftp://127.0.0.1/hook', 'must be http or https'],
    ['file:///etc/passwd', 'must be http or https'],
    ['javascript:alert(1)', 'must be http or https'],
    ['not a url', 'not valid'],
  ])('refuses %s at registration (allowlist: 127.0.0.1 only)', async (url, reason) => {
    const res = await call('POST', '/v1/webhooks', keyA, { url, events: ['message.received'] });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.detail).toContain(reason);
  });

  it('refuses loopback, by address and by a name resolving to 127.0.0.1, when no allowlist is set', async () => {
    const strict = await startTestGateway({
      DATABASE_URL: database.url,
      GATEWAY_MASTER_KEY: MASTER_KEY,
      XMTP_API_URL: 'http://127.0.0.1:1',
    });
    try {
      const owner = await signUpTenant(strict);
      const key = (await createApiKey(strict, owner.adminToken, ['webhooks'])).key;
      const post = async (url: string) => {
        const res = await fetch(new URL('/v1/webhooks', strict.url), {
          method: 'POST',
          headers: { ...bearer(key), 'content-type': 'application/json' },
          body: JSON.stringify({ url, events: ['message.received'] }),
        });
        return { status: res.status, body: (await res.json()) as { detail: string } };
      };
      const byAddress = await post('http://127.0.0.1:8080/hook');
      expect(byAddress.status).toBe(400);
      expect(byAddress.body.detail).toContain('127.0.0.1, a loopback address');
      const byName = await post('http://localhost:8080/hook');
      expect(byName.status).toBe(400);
      expect(byName.body.detail).toMatch(/localhost resolves to (127\.0\.0\.1|::1), a loopback address/);
    } finally {
      await strict.close();
    }
  }, 60_000);

  it('refuses a private url on update too', async () => {
    const created = await call('POST', '/v1/webhooks', keyA, {
      url: 'http://127.0.0.1:9/u',
      events: ['message.received'],
    });
    const res = await call('PATCH', `/v1/webhooks/${created.body.id}`, keyA, { url: 'http://10.1.1.1/' });
    expect(res.status).toBe(400);
    expect((await call('GET', `/v1/webhooks/${created.body.id}`, keyA)).body.url).toBe('http://127.0.0.1:9/u');
  });
});
