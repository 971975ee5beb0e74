import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { RedisTokenBuckets, takeOne } from '../../apps/gateway/src/common/rate-limit/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { bearer, createApiKey, signUpTenant } from '../support/factories.js';
import { REDIS_URL, startTestGateway, type TestGateway } from '../support/gateway.js';

let database: TestDatabase;
let gateway: TestGateway;
let adminToken: string;
let firstKey: string;
let secondKey: string;

beforeAll(async () => {
  database = await createTestDatabase();
  gateway = await startTestGateway({
    DATABASE_URL: database.url,
    REDIS_URL,
    RATE_LIMIT_PER_MINUTE: '6',
    RATE_LIMIT_TENANT_PER_MINUTE: '12',
    IDENTITY_NETWORK_BUDGET_SHARE: '0.001',
  });
  adminToken = (await signUpTenant(gateway)).adminToken;
  // Both creations spend 2 of the tenant's 12 tokens each.
  firstKey = (await createApiKey(gateway, adminToken, ['identities'], 'limited')).key;
  secondKey = (await createApiKey(gateway, adminToken, ['identities'], 'second key')).key;
});

afterAll(async () => {
  await gateway?.close();
  await database?.drop();
});

const get = (credential: string, path = '/v1/identities') =>
  fetch(`${gateway.url}${path}`, { headers: bearer(credential) });

describe('request rate limits', () => {
  it('reports the budget in RateLimit headers and answers 429 problem+json with Retry-After when spent', async () => {
    const key = firstKey;
    const remaining: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await get(key);
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-limit')).toMatch(/^(6|12)$/);
      remaining.push(res.headers.get('ratelimit-remaining')!);
    }
    expect(remaining.at(-1)).toBe('0');
    const refused = await get(key);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({ code: 'RATE_LIMITED', status: 429, limit: 'credential' });
  });

  it('also limits the tenant as a whole, across its keys', async () => {
    // The tenant has 12 tokens: 4 went to creating the keys and 6 to the first key, so the second key runs into the
    // tenant's limit before its own 6 (a slow machine may refill a token or two meanwhile).
    let refused: Response | undefined;
    let served = 0;
    for (let i = 0; i < 6 && !refused; i++) {
      const res = await get(secondKey);
      if (res.status === 429) refused = res;
      else served += 1;
    }
    expect(refused).toBeDefined();
    expect(served).toBeLessThan(6);
    expect(await refused!.json()).toMatchObject({ code: 'RATE_LIMITED', limit: 'tenant' });
  });

  it('shares buckets between replicas through Redis', async () => {
    const a = new Redis(REDIS_URL);
    const b = new Redis(REDIS_URL);
    const key = `shared-${Date.now()}`;
    const policy = { capacity: 4, windowSeconds: 60 };
    const decisions = [];
    for (const client of [a, b, a, b, a])
      decisions.push(await takeOne(new RedisTokenBuckets(client, 'mailroom:test-rl:'), key, policy, 1));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, false]);
    expect(decisions[4]!.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    a.disconnect();
    b.disconnect();
  });

  it('charges several Redis buckets in one script, all or nothing', async () => {
    const redis = new Redis(REDIS_URL);
    const buckets = new RedisTokenBuckets(redis, 'mailroom:test-rl:');
    const stamp = Date.now();
    const roomy = { key: `roomy-${stamp}`, policy: { capacity: 10, windowSeconds: 60 }, cost: 2 };
    const tight = { key: `tight-${stamp}`, policy: { capacity: 3, windowSeconds: 60 }, cost: 2 };
    expect((await buckets.takeAll([roomy, tight])).allowed).toBe(true);
    const refused = await buckets.takeAll([roomy, tight]);
    expect(refused).toMatchObject({ allowed: false, refused: 1 });
    // The refusal spent nothing from the roomy bucket: 8 tokens are still there.
    expect((await takeOne(buckets, roomy.key, roomy.policy, 8)).allowed).toBe(true);
    redis.disconnect();
  });
});

describe('per-identity XMTP network budget', () => {
  let budgetGateway: TestGateway;
  let budgetDatabase: TestDatabase;

  beforeAll(async () => {
    budgetDatabase = await createTestDatabase();
    // 0.001 of 3,000 writes per 5 minutes: three network writes, then Mailroom refuses before the network would.
    budgetGateway = await startTestGateway({
      DATABASE_URL: budgetDatabase.url,
      IDENTITY_NETWORK_BUDGET_SHARE: '0.001',
    });
  });

  afterAll(async () => {
    await budgetGateway?.close();
    await budgetDatabase?.drop();
  });

  it('answers 429 naming the identity budget once its share of the XMTP write limit is spent', async () => {
    const { adminToken: token } = await signUpTenant(budgetGateway);
    const { key } = await createApiKey(budgetGateway, token);
    const post = (path: string, body: unknown) =>
      fetch(`${budgetGateway.url}${path}`, {
        method: 'POST',
        headers: { ...bearer(key), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const identity = (await (await post('/v1/identities', {})).json()) as { id: string };
    const peer = (await (await post('/v1/identities', {})).json()) as { address: string };
    const dm = await post(`/v1/identities/${identity.id}/conversations/dm`, { peer: peer.address });
    expect(dm.status).toBe(201);
    const { id: conversationId } = (await dm.json()) as { id: string };
    const statuses: number[] = [];
    let refusal: Response | undefined;
    for (let i = 0; i < 6 && !refusal; i++) {
      const res = await post(`/v1/identities/${identity.id}/conversations/${conversationId}/messages`, {
        content: { type: 'text', text: `n${i}` },
      });
      statuses.push(res.status);
      if (res.status === 429) refusal = res;
    }
    expect(statuses.filter((s) => s === 201).length).toBeLessThanOrEqual(3);
    expect(refusal).toBeDefined();
    expect(Number(refusal!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refusal!.json()).toMatchObject({ code: 'RATE_LIMITED', limit: 'identity_writes' });
  });
});
