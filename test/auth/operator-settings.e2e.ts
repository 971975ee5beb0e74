import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import argon2 from 'argon2';
import { ARGON2_OPTIONS } from '../../apps/gateway/src/modules/auth/password-hasher.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { REDIS_URL, startTestGateway, type TestGateway } from '../support/gateway.js';

const LIMIT = 3;
const PASSWORD = 'the right password';
let database: TestDatabase;
let gateway: TestGateway;

beforeAll(async () => {
  database = await createTestDatabase();
  gateway = await startTestGateway({
    TRUST_PROXY: 'true',
    DATABASE_URL: database.url,
    REDIS_URL,
    XMTP_API_URL: 'http://127.0.0.1:1',
    SIGNUP_ENABLED: 'false',
    LOGIN_RATE_LIMIT_PER_MINUTE: String(LIMIT),
  });
});

afterAll(async () => {
  await gateway?.close();
  await database?.drop();
});

/** With signup closed, an operator seeds admins directly. */
async function seedAdmin(email: string): Promise<void> {
  const tenant = await gateway.runtime.prisma.tenant.create({ data: { name: 'seeded' } });
  await gateway.runtime.prisma.adminUser.create({
    data: { tenantId: tenant.id, email, role: 'owner', passwordHash: await argon2.hash(PASSWORD, ARGON2_OPTIONS) },
  });
}

describe('SIGNUP_ENABLED=false', () => {
  it('answers 403 FORBIDDEN and creates nothing', async () => {
    const res = await request(gateway.url).post('/v1/admin/signup').send({ tenantName: 'Acme', email: 'a@acme.test', password: 'long enough password' }).expect(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('FORBIDDEN');
    expect(await gateway.runtime.prisma.adminUser.count({ where: { email: 'a@acme.test' } })).toBe(0);
  });
});

describe('login rate limit', () => {
  it('answers 429 RATE_LIMITED with Retry-After after LOGIN_RATE_LIMIT_PER_MINUTE attempts for one email, even with the right password', async () => {
    await seedAdmin('limited@acme.test');
    for (let i = 0; i < LIMIT; i++) {
      // distinct client addresses, so only the per-email limit is in play
      await request(gateway.url).post('/v1/admin/login').set('x-forwarded-for', `10.0.0.${i + 1}`).send({ email: 'limited@acme.test', password: 'wrong password' }).expect(401);
    }
    const res = await request(gateway.url).post('/v1/admin/login').set('x-forwarded-for', '10.0.0.99').send({ email: 'Limited@acme.test', password: PASSWORD }).expect(429);
    expect(res.body.code).toBe('RATE_LIMITED');
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(55);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(res.body.retryAfterSeconds).toBe(retryAfter);
  });

  it('limits one client address across emails', async () => {
    await seedAdmin('ip-limited@acme.test');
    for (let i = 0; i < LIMIT; i++) {
      await request(gateway.url).post('/v1/admin/login').set('x-forwarded-for', '192.0.2.7').send({ email: `someone-${i}@acme.test`, password: 'whatever it is' }).expect(401);
    }
    const res = await request(gateway.url).post('/v1/admin/login').set('x-forwarded-for', '192.0.2.7').send({ email: 'ip-limited@acme.test', password: PASSWORD }).expect(429);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    // another address still gets in
    await request(gateway.url).post('/v1/admin/login').set('x-forwarded-for', '192.0.2.8').send({ email: 'ip-limited@acme.test', password: PASSWORD }).expect(200);
  });
});
