import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { bearer, createApiKey, signUpTenant, type SignedUpTenant } from '../support/factories.js';
import { REDIS_URL, startTestGateway, type TestGateway } from '../support/gateway.js';

/** POST /v1/admin/leave: an admin leaves the tenant (account deleted, sessions ended); the last owner cannot. */
let database: TestDatabase;
let gateway: TestGateway;

beforeAll(async () => {
  database = await createTestDatabase();
  gateway = await startTestGateway({
    DATABASE_URL: database.url,
    REDIS_URL,
    XMTP_API_URL: 'http://127.0.0.1:1',
    LOGIN_RATE_LIMIT_PER_MINUTE: '100',
  });
});

afterAll(async () => {
  await gateway?.close();
  await database?.drop();
});

let counter = 0;
const PASSWORD = 'a password of some length';

async function addAdmin(owner: SignedUpTenant, role: 'owner' | 'admin' | 'viewer') {
  const email = `leaver-${role}-${++counter}-${Date.now()}@team.test`;
  const invite = await request(gateway.url)
    .post('/v1/admin/invitations')
    .set(bearer(owner.adminToken))
    .send({ email, role })
    .expect(201);
  const accepted = await request(gateway.url)
    .post('/v1/admin/invitations/accept')
    .send({ token: invite.body.token, password: PASSWORD })
    .expect(200);
  return { email, token: accepted.body.accessToken as string, refreshToken: accepted.body.refreshToken as string };
}

const emails = async (token: string) =>
  (await request(gateway.url).get('/v1/admin/users').set(bearer(token)).expect(200)).body.items.map(
    (u: { email: string }) => u.email,
  );

describe('leave tenant', () => {
  it('refuses the last owner with a 409 problem that says what to do; the owner stays signed in', async () => {
    const owner = await signUpTenant(gateway);
    const res = await request(gateway.url).post('/v1/admin/leave').set(bearer(owner.adminToken)).expect(409);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 409, code: 'CONFLICT' });
    expect(res.body.detail).toMatch(/last owner.*another admin owner/i);
    expect(await emails(owner.adminToken)).toEqual([owner.email]);
  });

  it('an admin leaves: 204, the account is gone, its access and refresh tokens and its password no longer work', async () => {
    const owner = await signUpTenant(gateway);
    const other = await signUpTenant(gateway);
    const admin = await addAdmin(owner, 'admin');
    expect(await emails(owner.adminToken)).toContain(admin.email);

    await request(gateway.url).post('/v1/admin/leave').set(bearer(admin.token)).expect(204);

    expect(await emails(owner.adminToken)).not.toContain(admin.email);
    await request(gateway.url).get('/v1/admin/users').set(bearer(admin.token)).expect(401);
    await request(gateway.url).post('/v1/admin/refresh').send({ refreshToken: admin.refreshToken }).expect(401);
    await request(gateway.url).post('/v1/admin/login').send({ email: admin.email, password: PASSWORD }).expect(401);
    // Leaving again with the dead token is refused, not a second success.
    await request(gateway.url).post('/v1/admin/leave').set(bearer(admin.token)).expect(401);

    const audit = await request(gateway.url)
      .get('/v1/audit-log?action=admin.left')
      .set(bearer(owner.adminToken))
      .expect(200);
    expect(audit.body.items).toEqual([
      expect.objectContaining({ action: 'admin.left', metadata: expect.objectContaining({ email: admin.email }) }),
    ]);
    // Another tenant sees nothing of it, and its admin is untouched.
    const otherAudit = await request(gateway.url)
      .get('/v1/audit-log?action=admin.left')
      .set(bearer(other.adminToken))
      .expect(200);
    expect(otherAudit.body.items).toEqual([]);
    expect(await emails(other.adminToken)).toEqual([other.email]);
  });

  it('a viewer may leave; an owner may leave once another owner remains', async () => {
    const owner = await signUpTenant(gateway);
    const viewer = await addAdmin(owner, 'viewer');
    await request(gateway.url).post('/v1/admin/leave').set(bearer(viewer.token)).expect(204);

    const second = await addAdmin(owner, 'owner');
    await request(gateway.url).post('/v1/admin/leave').set(bearer(owner.adminToken)).expect(204);
    const left = await request(gateway.url).get('/v1/admin/users').set(bearer(second.token)).expect(200);
    expect(left.body.items.map((u: { email: string; role: string }) => [u.email, u.role])).toEqual([
      [second.email, 'owner'],
    ]);
    // Now the second owner is the last one.
    await request(gateway.url).post('/v1/admin/leave').set(bearer(second.token)).expect(409);
  });

  it('is for admin logins only: an API key cannot leave', async () => {
    const owner = await signUpTenant(gateway);
    const { key } = await createApiKey(gateway, owner.adminToken);
    const res = await request(gateway.url).post('/v1/admin/leave').set(bearer(key));
    expect([401, 403]).toContain(res.status);
    expect(await emails(owner.adminToken)).toEqual([owner.email]);
  });
});
