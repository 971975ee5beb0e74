import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { bearer, signUpTenant } from '../support/factories.js';
import type { TestGateway } from '../support/gateway.js';
import { useAdminGateway } from './support.js';

let gateway: TestGateway;
useAdminGateway((started) => (gateway = started));

function decodeJwt(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('signup', () => {
  it('creates a tenant and its owner and answers with a session', async () => {
    const res = await request(gateway.url)
      .post('/v1/admin/signup')
      .send({ tenantName: 'Acme', email: 'Owner@Acme.test', password: 'correct horse battery' })
      .expect(201);
    expect(res.body).toEqual({
      tenant: { id: expect.any(String), name: 'Acme' },
      admin: { id: expect.any(String), email: 'owner@acme.test' },
      accessToken: expect.any(String),
      refreshToken: expect.stringMatching(/^mrr_/),
      expiresIn: 3600,
    });
    const header = JSON.parse(Buffer.from(res.body.accessToken.split('.')[0], 'base64url').toString('utf8'));
    expect(header.alg).toBe('HS256');
    const claims = decodeJwt(res.body.accessToken);
    expect(claims).toMatchObject({ typ: 'admin', sub: res.body.admin.id, tid: res.body.tenant.id, role: 'owner' });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3600);

    const admin = await gateway.runtime.prisma.adminUser.findUniqueOrThrow({ where: { id: res.body.admin.id } });
    expect(admin.role).toBe('owner');
    expect(admin.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('refuses a duplicate email with 409 CONFLICT, whatever its case', async () => {
    const tenant = await signUpTenant(gateway);
    const res = await request(gateway.url)
      .post('/v1/admin/signup')
      .send({ tenantName: 'Other', email: tenant.email.toUpperCase(), password: 'another long password' })
      .expect(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('CONFLICT');
  });

  it('refuses passwords shorter than 12 characters and unknown fields', async () => {
    const short = await request(gateway.url)
      .post('/v1/admin/signup')
      .send({ tenantName: 'X', email: 'short@x.test', password: 'elevenchars' })
      .expect(400);
    expect(short.body.code).toBe('VALIDATION_FAILED');
    expect(short.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'password' })]));
    const extra = await request(gateway.url)
      .post('/v1/admin/signup')
      .send({ tenantName: 'X', email: 'extra@x.test', password: 'long enough password', role: 'owner' })
      .expect(400);
    expect(extra.body.code).toBe('VALIDATION_FAILED');
  });
});

describe('login', () => {
  it('answers a session for the right password and records the login', async () => {
    const tenant = await signUpTenant(gateway);
    const res = await request(gateway.url)
      .post('/v1/admin/login')
      .send({ email: tenant.email, password: tenant.password })
      .expect(200);
    expect(res.body).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.stringMatching(/^mrr_/),
      expiresIn: 3600,
    });
    expect(decodeJwt(res.body.accessToken)).toMatchObject({
      typ: 'admin',
      sub: tenant.adminId,
      tid: tenant.tenantId,
      role: 'owner',
    });
    const admin = await gateway.runtime.prisma.adminUser.findUniqueOrThrow({ where: { id: tenant.adminId } });
    expect(admin.lastLoginAt).not.toBeNull();
  });

  it('gives the same answer for a wrong password and an unknown email', async () => {
    const tenant = await signUpTenant(gateway);
    const wrong = await request(gateway.url)
      .post('/v1/admin/login')
      .send({ email: tenant.email, password: 'not the password' })
      .expect(401);
    const unknown = await request(gateway.url)
      .post('/v1/admin/login')
      .send({ email: 'nobody@nowhere.test', password: 'not the password' })
      .expect(401);
    const strip = (body: Record<string, unknown>) => ({ ...body, requestId: undefined });
    expect(strip(wrong.body)).toEqual(strip(unknown.body));
    expect(wrong.body.code).toBe('UNAUTHENTICATED');
  });

  it('takes about as long for an unknown email as for a wrong password', async () => {
    const tenant = await signUpTenant(gateway);
    const time = async (email: string) => {
      const started = process.hrtime.bigint();
      await request(gateway.url).post('/v1/admin/login').send({ email, password: 'not the password' }).expect(401);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    await time('warmup@nowhere.test');
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 5; i++) {
      known.push(await time(tenant.email));
      unknown.push(await time(`nobody-${i}@nowhere.test`));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    // Both paths run one argon2id verification (~60 ms); without the dummy, unknown emails answer in ~2 ms.
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.5);
  });
});

describe('refresh and logout', () => {
  it('rotates the refresh token; reusing a rotated token ends every session of that admin', async () => {
    const tenant = await signUpTenant(gateway);
    const first = await request(gateway.url)
      .post('/v1/admin/refresh')
      .send({ refreshToken: tenant.refreshToken })
      .expect(200);
    expect(first.body).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.stringMatching(/^mrr_/),
      expiresIn: 3600,
    });
    expect(first.body.refreshToken).not.toBe(tenant.refreshToken);
    await request(gateway.url).get('/v1/admin/users').set(bearer(first.body.accessToken)).expect(200);

    const reuse = await request(gateway.url)
      .post('/v1/admin/refresh')
      .send({ refreshToken: tenant.refreshToken })
      .expect(401);
    expect(reuse.body.code).toBe('UNAUTHENTICATED');
    // The family is revoked: the token issued by the rotation stops working too.
    await request(gateway.url).post('/v1/admin/refresh').send({ refreshToken: first.body.refreshToken }).expect(401);

    const rows = await gateway.runtime.prisma.auditLog.findMany({
      where: { tenantId: tenant.tenantId, action: 'admin.refresh_token_reused' },
    });
    expect(rows).toHaveLength(1);
  });

  it('logout ends the session of the refresh token', async () => {
    const tenant = await signUpTenant(gateway);
    await request(gateway.url).post('/v1/admin/logout').send({ refreshToken: tenant.refreshToken }).expect(204);
    await request(gateway.url).post('/v1/admin/refresh').send({ refreshToken: tenant.refreshToken }).expect(401);
    await request(gateway.url).post('/v1/admin/logout').send({ refreshToken: 'mrr_unknown' }).expect(204);
  });

  it('stores refresh tokens only as SHA-256', async () => {
    const tenant = await signUpTenant(gateway);
    const rows = await gateway.runtime.prisma.adminRefreshToken.findMany({ where: { tenantId: tenant.tenantId } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]!.tokenHash).not.toContain(tenant.refreshToken);
  });
});
