import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { bearer, createApiKey, signUpTenant, type SignedUpTenant } from '../support/factories.js';
import { REDIS_URL, startTestGateway, type TestGateway } from '../support/gateway.js';

let database: TestDatabase;
let gateway: TestGateway;
let tenant: SignedUpTenant;

beforeAll(async () => {
  database = await createTestDatabase();
  gateway = await startTestGateway({ DATABASE_URL: database.url, REDIS_URL, XMTP_API_URL: 'http://127.0.0.1:1' });
  tenant = await signUpTenant(gateway);
});

afterAll(async () => {
  await gateway?.close();
  await database?.drop();
});

describe('API keys', () => {
  it('creates a key shown once, with all scopes by default, stored only as a hash', async () => {
    const res = await request(gateway.url)
      .post('/v1/api-keys')
      .set(bearer(tenant.adminToken))
      .send({ name: 'backend' })
      .expect(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      name: 'backend',
      prefix: res.body.key.slice(0, 16),
      scopes: ['identities', 'messages', 'webhooks', 'keys'],
      key: expect.stringMatching(/^mr_live_[0-9A-Za-z]{43}$/),
      createdAt: expect.any(String),
      lastUsedAt: null,
      revokedAt: null,
    });
    const row = await gateway.runtime.prisma.apiKey.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(res.body.key);
  });

  it('lists keys without the key or its hash, newest first, with paging', async () => {
    const fresh = await signUpTenant(gateway);
    const made = [];
    for (const name of ['one', 'two', 'three']) {
      made.push(await createApiKey(gateway, fresh.adminToken, ['messages'], name));
      await new Promise((r) => setTimeout(r, 5)); // distinct createdAt milliseconds, so the order is defined
    }
    const page1 = await request(gateway.url).get('/v1/api-keys?limit=2').set(bearer(fresh.adminToken)).expect(200);
    expect(page1.body.items.map((k: { name: string }) => k.name)).toEqual(['three', 'two']);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    for (const item of page1.body.items) {
      expect(Object.keys(item).sort()).toEqual([
        'createdAt',
        'id',
        'lastUsedAt',
        'name',
        'prefix',
        'revokedAt',
        'scopes',
      ]);
    }
    const page2 = await request(gateway.url)
      .get(`/v1/api-keys?limit=2&cursor=${page1.body.nextCursor}`)
      .set(bearer(fresh.adminToken))
      .expect(200);
    expect(page2.body).toEqual({
      items: [expect.objectContaining({ name: 'one', id: made[0]!.id })],
      nextCursor: null,
    });
    await request(gateway.url).get('/v1/api-keys?limit=101').set(bearer(fresh.adminToken)).expect(400);
    await request(gateway.url).get('/v1/api-keys?cursor=garbage').set(bearer(fresh.adminToken)).expect(400);
  });

  it('a key works until it is revoked, then answers 401; revoking twice is fine', async () => {
    const created = await createApiKey(gateway, tenant.adminToken, ['keys']);
    await request(gateway.url).get('/v1/api-keys').set(bearer(created.key)).expect(200);
    await request(gateway.url).delete(`/v1/api-keys/${created.id}`).set(bearer(tenant.adminToken)).expect(204);
    const res = await request(gateway.url).get('/v1/api-keys').set(bearer(created.key)).expect(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
    expect(res.headers['www-authenticate']).toBe('Bearer');
    await request(gateway.url).delete(`/v1/api-keys/${created.id}`).set(bearer(tenant.adminToken)).expect(204);
    const list = await request(gateway.url).get('/v1/api-keys').set(bearer(tenant.adminToken)).expect(200);
    expect(list.body.items.find((k: { id: string }) => k.id === created.id).revokedAt).toEqual(expect.any(String));
    const audits = await gateway.runtime.prisma.auditLog.findMany({
      where: { tenantId: tenant.tenantId, targetId: created.id, action: 'api_key.revoked' },
    });
    expect(audits).toHaveLength(1);
  });

  it('a key needs the `keys` scope to manage keys, and cannot grant scopes it lacks', async () => {
    const messagesOnly = await createApiKey(gateway, tenant.adminToken, ['messages']);
    const denied = await request(gateway.url).get('/v1/api-keys').set(bearer(messagesOnly.key)).expect(403);
    expect(denied.body.code).toBe('FORBIDDEN');
    const keysOnly = await createApiKey(gateway, tenant.adminToken, ['keys']);
    await request(gateway.url)
      .post('/v1/api-keys')
      .set(bearer(keysOnly.key))
      .send({ name: 'wider', scopes: ['keys', 'messages'] })
      .expect(403);
    const narrower = await request(gateway.url)
      .post('/v1/api-keys')
      .set(bearer(keysOnly.key))
      .send({ name: 'same', scopes: ['keys'] })
      .expect(201);
    const audit = await gateway.runtime.prisma.auditLog.findFirstOrThrow({
      where: { targetId: narrower.body.id, action: 'api_key.created' },
    });
    expect(audit).toMatchObject({ actorType: 'api_key', actorId: keysOnly.id });
  });

  it('refuses unknown scopes, empty scope lists and unknown fields', async () => {
    for (const body of [{ name: 'x', scopes: ['admin'] }, { name: 'x', scopes: [] }, { name: 'x', hash: 'abc' }, {}]) {
      const res = await request(gateway.url).post('/v1/api-keys').set(bearer(tenant.adminToken)).send(body).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
  });

  it('records lastUsedAt at most once a minute', async () => {
    const created = await createApiKey(gateway, tenant.adminToken, ['keys']);
    await request(gateway.url).get('/v1/api-keys').set(bearer(created.key)).expect(200);
    const read = () => gateway.runtime.prisma.apiKey.findUniqueOrThrow({ where: { id: created.id } });
    let first = await read();
    for (let i = 0; i < 50 && !first.lastUsedAt; i++) {
      await new Promise((r) => setTimeout(r, 20));
      first = await read();
    }
    expect(first.lastUsedAt).not.toBeNull();
    for (let i = 0; i < 5; i++) await request(gateway.url).get('/v1/api-keys').set(bearer(created.key)).expect(200);
    await new Promise((r) => setTimeout(r, 100));
    expect((await read()).lastUsedAt).toEqual(first.lastUsedAt);
  });

  it('an unknown or malformed id answers 404', async () => {
    await request(gateway.url)
      .delete('/v1/api-keys/00000000-0000-4000-8000-000000000000')
      .set(bearer(tenant.adminToken))
      .expect(404);
    const res = await request(gateway.url).delete('/v1/api-keys/not-a-uuid').set(bearer(tenant.adminToken)).expect(404);
    expect(res.body.code).toBe('NOT_FOUND');
  });
});
