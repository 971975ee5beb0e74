import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { IdentityHosting } from '../../apps/gateway/src/modules/identities/identity-hosting.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { bearer, createApiKey, signUpTenant } from '../support/factories.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';

let database: TestDatabase;
let gateway: TestGateway;
let keyA: string;
let keyB: string;
let adminA: string;
let identityA: { id: string; inboxId: string; installationId: string; address: string };

async function call(credential: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${gateway.url}${path}`, {
    method,
    headers: { ...bearer(credential), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

beforeAll(async () => {
  database = await createTestDatabase();
  gateway = await startTestGateway({ DATABASE_URL: database.url });
  const a = await signUpTenant(gateway);
  const b = await signUpTenant(gateway);
  adminA = a.adminToken;
  keyA = (await createApiKey(gateway, a.adminToken)).key;
  keyB = (await createApiKey(gateway, b.adminToken)).key;
  identityA = (await call(keyA, 'POST', '/v1/identities', { label: 'a', externalId: 'shared-external-id' }))
    .body as typeof identityA;
});

afterAll(async () => {
  await gateway?.close();
  await database?.drop();
});

describe('tenant isolation on identity routes', () => {
  const resourceRoutes: [string, (id: string) => string, unknown?][] = [
    ['GET', (id) => `/v1/identities/${id}`],
    ['DELETE', (id) => `/v1/identities/${id}`],
    ['POST', (id) => `/v1/identities/${id}/tokens`, {}],
    ['POST', (id) => `/v1/identities/${id}/installations/revoke-others`],
  ];

  it.each(resourceRoutes.map(([method, route, body]) => [method, route('<id>'), route, body] as const))(
    "%s %s with tenant B's key on tenant A's identity answers 404",
    async (method, _label, route, body) => {
      const res = await call(keyB, method, route(identityA.id), body);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: 'NOT_FOUND' });
    },
  );

  it("tenant B's list does not show tenant A's identities, and B may reuse A's externalId", async () => {
    const list = await call(keyB, 'GET', '/v1/identities');
    expect(list.body).toEqual({ items: [], nextCursor: null });
    const filtered = await call(keyB, 'GET', '/v1/identities?externalId=shared-external-id');
    expect(filtered.body).toEqual({ items: [], nextCursor: null });
    const same = await call(keyB, 'POST', '/v1/identities', { externalId: 'shared-external-id' });
    expect(same.status).toBe(201);
  });

  it('still shows tenant A its identity after all that', async () => {
    const res = await call(keyA, 'GET', `/v1/identities/${identityA.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: identityA.id, status: 'active' });
  });

  it('answers 401 to a revoked key and to an expired identity token', async () => {
    const temp = await createApiKey(gateway, adminA, ['identities']);
    expect((await call(temp.key, 'GET', '/v1/identities')).status).toBe(200);
    expect((await call(adminA, 'DELETE', `/v1/api-keys/${temp.id}`)).status).toBeLessThan(300);
    const revoked = await call(temp.key, 'GET', `/v1/identities/${identityA.id}`);
    expect(revoked.status).toBe(401);
    expect(revoked.body).toMatchObject({ code: 'UNAUTHENTICATED' });

    const { SignJWT } = await import('./support-jwt.js');
    const expired = await SignJWT.identityToken(
      gateway.runtime.jwtSecret,
      identityA.id,
      await tenantOf(identityA.id),
      -60,
    );
    const res = await call(expired, 'GET', `/v1/identities/${identityA.id}`);
    expect(res.status).toBe(401);
  });

  it('refuses a key without the identities scope (403) and unknown ids (404)', async () => {
    const messagesOnly = await createApiKey(gateway, adminA, ['messages']);
    expect((await call(messagesOnly.key, 'GET', '/v1/identities')).status).toBe(403);
    expect((await call(keyA, 'GET', '/v1/identities/not-a-uuid')).status).toBe(404);
    expect((await call(keyA, 'GET', '/v1/identities/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});

describe('an identity whose database is lost', () => {
  it('is reported broken and never re-registered', async () => {
    const created = (await call(keyA, 'POST', '/v1/identities', { label: 'to break' })).body as typeof identityA;
    const row = await gateway.runtime.prisma.identity.findUniqueOrThrow({ where: { id: created.id } });
    await gateway.runtime.pool.release(created.id);
    const dbFile = path.resolve(gateway.dataDir, row.dbPath);
    for (const suffix of ['', '-wal', '-shm', '.sqlcipher_salt']) await rm(`${dbFile}${suffix}`, { force: true });

    // Activation is what needs the database (sending, reading); the identities routes alone never activate a client.
    const hosting = gateway.app.get(IdentityHosting);
    await expect(hosting.use(row, (client) => client.installationId)).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'database_missing' },
    });

    const after = await call(keyA, 'GET', `/v1/identities/${created.id}`);
    expect(after.body).toMatchObject({ status: 'broken', installationId: created.installationId });
    expect(String(after.body!.brokenReason)).toContain('database_missing');
    const audit = await gateway.runtime.prisma.identity.findUniqueOrThrow({ where: { id: created.id } });
    expect(audit.installationId).toBe(created.installationId);
  });
});

async function tenantOf(identityId: string): Promise<string> {
  return (await gateway.runtime.prisma.identity.findUniqueOrThrow({ where: { id: identityId } })).tenantId;
}
