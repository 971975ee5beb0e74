import { randomBytes } from 'node:crypto';
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
    const res = await request(gateway.url)
      .post('/v1/admin/signup')
      .send({ tenantName: 'Acme', email: 'a@acme.test', password: 'long enough password' })
      .expect(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('FORBIDDEN');
    expect(await gateway.runtime.prisma.adminUser.count({ where: { email: 'a@acme.test' } })).toBe(0);
  });
});

describe('login rate limit', () => {
  it('answers 429 RATE_LIMITED with Retry-After once one email failed 10 × LOGIN_RATE_LIMIT_PER_MINUTE times from many addresses, even with the right password', async () => {
    // Fresh email and addresses: the counts live in Redis and outlast a run.
    const email = `limited-${randomBytes(4).toString('hex')}@acme.test`;
    const net = `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
    await seedAdmin(email);
    const started = Date.now();
    for (let i = 0; i < LIMIT * 10; i++) {
      // distinct client addresses, so only the per-email ceiling is in play
      await request(gateway.url)
        .post('/v1/admin/login')
        .set('x-forwarded-for', `${net}.${i + 1}`)
        .send({ email, password: 'wrong password' })
        .expect(401);
    }
    const res = await request(gateway.url)
      .post('/v1/admin/login')
      .set('x-forwarded-for', `${net}.99`)
      .send({ email: email.toUpperCase(), password: PASSWORD })
      .expect(429);
    expect(res.body.code).toBe('RATE_LIMITED');
    const retryAfter = Number(res.headers['retry-after']);
    // The oldest failure leaves the one-minute window first; 30 argon2 checks take a few seconds on a busy machine.
    expect(retryAfter).toBeGreaterThanOrEqual(59 - Math.ceil((Date.now() - started) / 1000));
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(res.body.retryAfterSeconds).toBe(retryAfter);
  });

  it('limits one client address across emails', async () => {
    const email = `ip-limited-${randomBytes(4).toString('hex')}@acme.test`;
    const client = `192.0.${randomBytes(1)[0]}.7`;
    await seedAdmin(email);
    for (let i = 0; i < LIMIT; i++) {
      await request(gateway.url)
        .post('/v1/admin/login')
        .set('x-forwarded-for', client)
        .send({ email: `someone-${i}@acme.test`, password: 'whatever it is' })
        .expect(401);
    }
    const res = await request(gateway.url)
      .post('/v1/admin/login')
      .set('x-forwarded-for', client)
      .send({ email, password: PASSWORD })
      .expect(429);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    // another address still gets in
    await request(gateway.url)
      .post('/v1/admin/login')
      .set('x-forwarded-for', `198.51.${randomBytes(1)[0]}.8`)
      .send({ email, password: PASSWORD })
      .expect(200);
  });
});
