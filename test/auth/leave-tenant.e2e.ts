import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { bearer, createApiKey, signUpTenant, type SignedUpTenant } from '../support/factories.js';
import type { TestGateway } from '../support/gateway.js';
import { ADMIN_PASSWORD as PASSWORD, inviteAndAccept, useAdminGateway } from './support.js';

/** POST /v1/admin/leave: an admin leaves the tenant (account deleted, sessions ended); the last owner cannot. */
let gateway: TestGateway;
useAdminGateway((started) => (gateway = started));

let counter = 0;

async function addAdmin(owner: SignedUpTenant, role: 'owner' | 'admin' | 'viewer') {
  const email = `leaver-${role}-${++counter}-${Date.now()}@team.test`;
  const { token, refreshToken } = await inviteAndAccept(gateway, owner.adminToken, email, role);
  return { email, token, refreshToken };
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
