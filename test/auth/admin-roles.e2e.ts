import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { bearer, signUpTenant, type SignedUpTenant } from '../support/factories.js';
import type { TestGateway } from '../support/gateway.js';
import { inviteAndAccept, useAdminGateway } from './support.js';

let gateway: TestGateway;
useAdminGateway((started) => (gateway = started));

let counter = 0;

/** Invites an admin with `role` into the tenant and accepts; answers the new admin's id and access token. */
async function addAdmin(owner: SignedUpTenant, role: 'owner' | 'admin' | 'viewer', inviterToken = owner.adminToken) {
  const email = `${role}-${++counter}-${Date.now()}@team.test`;
  const { token, invitationToken } = await inviteAndAccept(gateway, inviterToken, email, role);
  const users = await request(gateway.url).get('/v1/admin/users').set(bearer(owner.adminToken)).expect(200);
  const user = users.body.items.find((u: { email: string }) => u.email === email);
  return { id: user.id as string, token, email, invitationToken };
}

describe('invitations', () => {
  it('invite → accept creates the admin with the role and signs it in; the token works once', async () => {
    const owner = await signUpTenant(gateway);
    const invite = await request(gateway.url)
      .post('/v1/admin/invitations')
      .set(bearer(owner.adminToken))
      .send({ email: 'New@Team.test', role: 'admin' })
      .expect(201);
    expect(invite.body).toEqual({
      id: expect.any(String),
      token: expect.stringMatching(/^mri_/),
      email: 'new@team.test',
      role: 'admin',
      expiresAt: expect.any(String),
    });
    const stored = await gateway.runtime.prisma.adminInvitation.findUniqueOrThrow({ where: { id: invite.body.id } });
    expect(stored.tokenHash).not.toContain(invite.body.token);

    const accepted = await request(gateway.url)
      .post('/v1/admin/invitations/accept')
      .send({ token: invite.body.token, password: 'another fine password' })
      .expect(200);
    expect(accepted.body).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      expiresIn: 3600,
    });
    const users = await request(gateway.url).get('/v1/admin/users').set(bearer(accepted.body.accessToken)).expect(200);
    expect(users.body.items.map((u: { email: string; role: string }) => [u.email, u.role])).toEqual([
      [owner.email, 'owner'],
      ['new@team.test', 'admin'],
    ]);
    await request(gateway.url)
      .post('/v1/admin/login')
      .send({ email: 'new@team.test', password: 'another fine password' })
      .expect(200);

    const again = await request(gateway.url)
      .post('/v1/admin/invitations/accept')
      .send({ token: invite.body.token, password: 'another fine password' })
      .expect(404);
    expect(again.body.code).toBe('NOT_FOUND');
    await request(gateway.url)
      .post('/v1/admin/invitations/accept')
      .send({ token: 'mri_made_up', password: 'another fine password' })
      .expect(404);
  });

  it('refuses expired invitations and emails that already belong to an admin', async () => {
    const owner = await signUpTenant(gateway);
    await request(gateway.url)
      .post('/v1/admin/invitations')
      .set(bearer(owner.adminToken))
      .send({ email: owner.email, role: 'viewer' })
      .expect(409);
    const invite = await request(gateway.url)
      .post('/v1/admin/invitations')
      .set(bearer(owner.adminToken))
      .send({ email: `late-${Date.now()}@team.test`, role: 'viewer' })
      .expect(201);
    await gateway.runtime.prisma.adminInvitation.update({
      where: { id: invite.body.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    await request(gateway.url)
      .post('/v1/admin/invitations/accept')
      .send({ token: invite.body.token, password: 'another fine password' })
      .expect(404);
  });
});

describe('roles', () => {
  it('a viewer reads but every write answers 403', async () => {
    const owner = await signUpTenant(gateway);
    const viewer = await addAdmin(owner, 'viewer');
    await request(gateway.url).get('/v1/admin/users').set(bearer(viewer.token)).expect(200);
    await request(gateway.url).get('/v1/api-keys').set(bearer(viewer.token)).expect(200);
    await request(gateway.url).get('/v1/audit-log').set(bearer(viewer.token)).expect(200);
    const writes = [
      request(gateway.url).post('/v1/api-keys').set(bearer(viewer.token)).send({ name: 'nope' }),
      request(gateway.url).delete('/v1/api-keys/00000000-0000-4000-8000-000000000000').set(bearer(viewer.token)),
      request(gateway.url)
        .post('/v1/admin/invitations')
        .set(bearer(viewer.token))
        .send({ email: 'v@team.test', role: 'viewer' }),
      request(gateway.url).patch(`/v1/admin/users/${viewer.id}`).set(bearer(viewer.token)).send({ role: 'admin' }),
      request(gateway.url).delete(`/v1/admin/users/${owner.adminId}`).set(bearer(viewer.token)),
    ];
    for (const res of await Promise.all(writes)) {
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
    }
  });

  it('changing a role takes effect on the next request, without a new token', async () => {
    const owner = await signUpTenant(gateway);
    const admin = await addAdmin(owner, 'admin');
    await request(gateway.url).post('/v1/api-keys').set(bearer(admin.token)).send({ name: 'ok' }).expect(201);
    const res = await request(gateway.url)
      .patch(`/v1/admin/users/${admin.id}`)
      .set(bearer(owner.adminToken))
      .send({ role: 'viewer' })
      .expect(200);
    expect(res.body).toMatchObject({ id: admin.id, role: 'viewer' });
    await request(gateway.url).post('/v1/api-keys').set(bearer(admin.token)).send({ name: 'no longer' }).expect(403);
  });

  it('only an owner grants the owner role or changes an owner', async () => {
    const owner = await signUpTenant(gateway);
    const admin = await addAdmin(owner, 'admin');
    await request(gateway.url)
      .post('/v1/admin/invitations')
      .set(bearer(admin.token))
      .send({ email: `o-${Date.now()}@team.test`, role: 'owner' })
      .expect(403);
    await request(gateway.url)
      .patch(`/v1/admin/users/${admin.id}`)
      .set(bearer(admin.token))
      .send({ role: 'owner' })
      .expect(403);
    await request(gateway.url)
      .patch(`/v1/admin/users/${owner.adminId}`)
      .set(bearer(admin.token))
      .send({ role: 'viewer' })
      .expect(403);
    await request(gateway.url).delete(`/v1/admin/users/${owner.adminId}`).set(bearer(admin.token)).expect(403);
    // an admin manages admins and viewers
    const viewer = await addAdmin(owner, 'viewer', admin.token);
    await request(gateway.url).delete(`/v1/admin/users/${viewer.id}`).set(bearer(admin.token)).expect(204);
  });

  it('never removes or demotes the last owner', async () => {
    const owner = await signUpTenant(gateway);
    const demote = await request(gateway.url)
      .patch(`/v1/admin/users/${owner.adminId}`)
      .set(bearer(owner.adminToken))
      .send({ role: 'admin' })
      .expect(409);
    expect(demote.body.code).toBe('CONFLICT');
    await request(gateway.url).delete(`/v1/admin/users/${owner.adminId}`).set(bearer(owner.adminToken)).expect(409);

    const second = await addAdmin(owner, 'owner');
    await request(gateway.url).delete(`/v1/admin/users/${owner.adminId}`).set(bearer(second.token)).expect(204);
    await request(gateway.url).get('/v1/admin/users').set(bearer(owner.adminToken)).expect(401);
    await request(gateway.url).delete(`/v1/admin/users/${second.id}`).set(bearer(second.token)).expect(409);
  });

  it('two owners demoting each other at once leave one owner', async () => {
    const owner = await signUpTenant(gateway);
    const second = await addAdmin(owner, 'owner');
    const results = await Promise.all([
      request(gateway.url).patch(`/v1/admin/users/${second.id}`).set(bearer(owner.adminToken)).send({ role: 'admin' }),
      request(gateway.url).patch(`/v1/admin/users/${owner.adminId}`).set(bearer(second.token)).send({ role: 'admin' }),
    ]);
    const owners = await gateway.runtime.prisma.adminUser.count({ where: { tenantId: owner.tenantId, role: 'owner' } });
    expect(owners).toBe(1);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  });
});
