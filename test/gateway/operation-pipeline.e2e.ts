import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startDevnet, type Devnet } from '@mailroom/devnet';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { bearer, createApiKey, signUpTenant } from '../support/factories.js';
import { REDIS_URL, startTestGateway, type TestGateway } from '../support/gateway.js';
import { codesOf, graphql } from '../graphql/support.js';

/**
 * Every transport runs through the one operation pipeline: GraphQL spends the same request budgets as REST, a
 * tenant's own lower limits hold on both, and a revoked API key stops working on every replica at once.
 */
let database: TestDatabase;
let devnet: Devnet;
let a: TestGateway;
let b: TestGateway;

const CREDENTIAL_LIMIT = 6;

beforeAll(async () => {
  database = await createTestDatabase();
  devnet = await startDevnet({ port: 0 });
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL,
    XMTP_API_URL: devnet.url,
    // Replicas of one deployment share their secrets.
    GATEWAY_MASTER_KEY: randomBytes(32).toString('hex'),
    JWT_SECRET: randomBytes(32).toString('base64url'),
    RATE_LIMIT_PER_MINUTE: String(CREDENTIAL_LIMIT),
    RATE_LIMIT_TENANT_PER_MINUTE: '1000',
  };
  a = await startTestGateway(env);
  b = await startTestGateway(env);
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  await devnet?.stop();
  await database?.drop();
});

const IDENTITIES_QUERY = '{ identities { edges { node { id } } } }';

const restList = (gateway: TestGateway, credential: string) =>
  fetch(`${gateway.url}/v1/identities`, { headers: bearer(credential) });
const graphqlList = (gateway: TestGateway, credential: string) => graphql(gateway, IDENTITIES_QUERY, {}, credential);

async function patchSettings(
  gateway: TestGateway,
  adminToken: string,
  rateLimits: Record<string, number>,
): Promise<void> {
  const res = await fetch(`${gateway.url}/v1/settings`, {
    method: 'PATCH',
    headers: { ...bearer(adminToken), 'content-type': 'application/json' },
    body: JSON.stringify({ rateLimits }),
  });
  expect(res.status).toBe(200);
}

describe('one operation pipeline for REST and GraphQL', () => {
  it('charges GraphQL queries to the same credential budget as REST calls', async () => {
    const { adminToken } = await signUpTenant(a);
    const { key } = await createApiKey(a, adminToken, ['identities']);
    for (let i = 0; i < CREDENTIAL_LIMIT / 2; i++) expect((await restList(a, key)).status).toBe(200);
    for (let i = 0; i < CREDENTIAL_LIMIT / 2; i++) expect(codesOf(await graphqlList(a, key))).toEqual([]);

    const refused = await graphqlList(a, key);
    expect(codesOf(refused)).toEqual(['RATE_LIMITED']);
    expect(refused.errors![0]!.extensions).toMatchObject({ limit: 'credential' });
    expect(refused.errors![0]!.extensions.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    // …and the bucket is shared with REST, on the other replica too (Redis).
    const rest = await restList(b, key);
    expect(rest.status).toBe(429);
    expect(await rest.json()).toMatchObject({ code: 'RATE_LIMITED', limit: 'credential' });
  });

  it("enforces a tenant's own lower per-credential limit on both transports", async () => {
    const { adminToken } = await signUpTenant(a);
    const restKey = (await createApiKey(a, adminToken, ['identities'], 'rest')).key;
    const graphqlKey = (await createApiKey(a, adminToken, ['identities'], 'graphql')).key;
    await patchSettings(a, adminToken, { perCredentialPerMinute: 3 });

    for (let i = 0; i < 3; i++) expect((await restList(b, restKey)).status).toBe(200);
    const rest = await restList(b, restKey);
    expect(rest.status).toBe(429);
    expect(rest.headers.get('ratelimit-limit')).toBe('3');

    for (let i = 0; i < 3; i++) expect(codesOf(await graphqlList(b, graphqlKey))).toEqual([]);
    expect(codesOf(await graphqlList(b, graphqlKey))).toEqual(['RATE_LIMITED']);
  });

  it("enforces a tenant's own lower whole-tenant limit across its keys and transports", async () => {
    const { adminToken } = await signUpTenant(a);
    const first = (await createApiKey(a, adminToken, ['identities'], 'first')).key;
    const second = (await createApiKey(a, adminToken, ['identities'], 'second')).key;
    await patchSettings(a, adminToken, { perTenantPerMinute: 4 });

    for (let i = 0; i < 2; i++) expect((await restList(a, first)).status).toBe(200);
    for (let i = 0; i < 2; i++) expect(codesOf(await graphqlList(a, second))).toEqual([]);
    const refused = await graphqlList(a, second);
    expect(codesOf(refused)).toEqual(['RATE_LIMITED']);
    expect(refused.errors![0]!.extensions).toMatchObject({ limit: 'tenant' });
  });

  it('stops a revoked API key on every replica within a second', async () => {
    const { adminToken } = await signUpTenant(a);
    const created = await createApiKey(a, adminToken, ['identities']);
    // Replica b has resolved (and cached) the key.
    expect((await restList(b, created.key)).status).toBe(200);

    const revoke = await fetch(`${a.url}/v1/api-keys/${created.id}`, { method: 'DELETE', headers: bearer(adminToken) });
    expect(revoke.status).toBe(204);
    const revokedAt = Date.now();
    let status = 200;
    while (status !== 401 && Date.now() - revokedAt < 5_000) {
      status = (await restList(b, created.key)).status;
      if (status !== 401) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(status).toBe(401);
    expect(Date.now() - revokedAt).toBeLessThan(1_000);
    expect(codesOf(await graphqlList(b, created.key))).toEqual(['UNAUTHENTICATED']);
  });
});
