import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import {
  bearer,
  createApiKey,
  signUpTenant,
  type CreatedTestApiKey,
  type SignedUpTenant,
} from '../support/factories.js';
import { REDIS_URL, startTestGateway, type TestGateway } from '../support/gateway.js';

let database: TestDatabase;
let gateway: TestGateway;
let a: SignedUpTenant;
let b: SignedUpTenant;
let aKey: CreatedTestApiKey;
let bKey: CreatedTestApiKey;
let aViewer: { id: string; email: string; password: string };
const secrets: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  gateway = await startTestGateway({
    DATABASE_URL: database.url,
    REDIS_URL,
    XMTP_API_URL: 'http://127.0.0.1:1',
    LOGIN_RATE_LIMIT_PER_MINUTE: '100',
  });
  [a, b] = await Promise.all([signUpTenant(gateway), signUpTenant(gateway)]);
  [aKey, bKey] = await Promise.all([createApiKey(gateway, a.adminToken), createApiKey(gateway, b.adminToken)]);
  const invite = await request(gateway.url)
    .post('/v1/admin/invitations')
    .set(bearer(a.adminToken))
    .send({ email: 'viewer-a@iso.test', role: 'viewer' })
    .expect(201);
  const password = 'viewer password of a';
  await request(gateway.url)
    .post('/v1/admin/invitations/accept')
    .send({ token: invite.body.token, password })
    .expect(200);
  const users = await request(gateway.url).get('/v1/admin/users').set(bearer(a.adminToken)).expect(200);
  aViewer = {
    id: users.body.items.find((u: { email: string }) => u.email === 'viewer-a@iso.test').id,
    email: 'viewer-a@iso.test',
    password,
  };
  await request(gateway.url)
    .post('/v1/admin/login')
    .send({ email: a.email, password: 'a wrong password!' })
    .expect(401);
  await request(gateway.url).post('/v1/admin/login').send({ email: a.email, password: a.password }).expect(200);
  secrets.push(a.password, b.password, aKey.key, bKey.key, password, invite.body.token, a.refreshToken, b.refreshToken);
});

afterAll(async () => {
  await gateway?.close();
  await database?.drop();
});

describe("tenant B's credentials on tenant A's resources", () => {
  const credentialsOfB = () =>
    [
      ['admin JWT', b.adminToken],
      ['API key', bKey.key],
    ] as const;

  it('answer 404 on every route that names an A resource', async () => {
    for (const [, credential] of credentialsOfB()) {
      const routes = [
        request(gateway.url).delete(`/v1/api-keys/${aKey.id}`).set(bearer(credential)),
        request(gateway.url).patch(`/v1/admin/users/${aViewer.id}`).set(bearer(credential)).send({ role: 'admin' }),
        request(gateway.url).delete(`/v1/admin/users/${aViewer.id}`).set(bearer(credential)),
      ];
      const answers = await Promise.all(routes);
      // API keys cannot use admin-only routes at all (403 before any lookup); admins of B do not find A's rows.
      const expected = credential === bKey.key ? [404, 403, 403] : [404, 404, 404];
      expect(answers.map((r) => r.status)).toEqual(expected);
    }
    // nothing of A changed
    expect((await gateway.runtime.prisma.apiKey.findUniqueOrThrow({ where: { id: aKey.id } })).revokedAt).toBeNull();
    expect((await gateway.runtime.prisma.adminUser.findUniqueOrThrow({ where: { id: aViewer.id } })).role).toBe(
      'viewer',
    );
    await request(gateway.url).get('/v1/api-keys').set(bearer(aKey.key)).expect(200);
  });

  it('see only their own tenant on list routes', async () => {
    for (const [, credential] of credentialsOfB()) {
      const keys = await request(gateway.url).get('/v1/api-keys').set(bearer(credential)).expect(200);
      expect(keys.body.items.map((k: { id: string }) => k.id)).toEqual([bKey.id]);
      const audit = await request(gateway.url).get('/v1/audit-log?limit=100').set(bearer(credential)).expect(200);
      expect(audit.body.items.length).toBeGreaterThan(0);
      expect(
        audit.body.items.every((i: { targetId: string | null }) => i.targetId !== aKey.id && i.targetId !== a.tenantId),
      ).toBe(true);
    }
    const users = await request(gateway.url).get('/v1/admin/users').set(bearer(b.adminToken)).expect(200);
    expect(users.body.items.map((u: { id: string }) => u.id)).toEqual([b.adminId]);
    const aKeys = await request(gateway.url).get('/v1/api-keys').set(bearer(aKey.key)).expect(200);
    expect(aKeys.body.items.map((k: { id: string }) => k.id)).toEqual([aKey.id]);
  });

  it("a key created with B's credentials belongs to B", async () => {
    const created = await createApiKey(gateway, bKey.key, ['keys'], 'made by b');
    secrets.push(created.key);
    const row = await gateway.runtime.prisma.apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.tenantId).toBe(b.tenantId);
  });
});

describe('audit log', () => {
  it('records signup, login success and failure, invitation, key creation and revocation, role change and removal', async () => {
    const key = await createApiKey(gateway, a.adminToken, ['messages'], 'to revoke');
    await request(gateway.url).delete(`/v1/api-keys/${key.id}`).set(bearer(aKey.key)).expect(204);
    await request(gateway.url)
      .patch(`/v1/admin/users/${aViewer.id}`)
      .set(bearer(a.adminToken))
      .send({ role: 'admin' })
      .expect(200);
    await request(gateway.url).delete(`/v1/admin/users/${aViewer.id}`).set(bearer(a.adminToken)).expect(204);
    secrets.push(key.key);

    const res = await request(gateway.url).get('/v1/audit-log').set(bearer(a.adminToken)).expect(200);
    const actions = res.body.items.map((i: { action: string }) => i.action);
    expect(actions).toEqual([
      'admin.removed',
      'admin.role_changed',
      'api_key.revoked',
      'api_key.created',
      'admin.login',
      'admin.login_failed',
      'admin.invitation_accepted',
      'admin.invited',
      'api_key.created',
      'tenant.signup',
    ]);
    const byAction = (action: string) => res.body.items.find((i: { action: string }) => i.action === action);
    expect(byAction('api_key.revoked')).toMatchObject({
      actor: { type: 'api_key', id: aKey.id },
      targetType: 'api_key',
      targetId: key.id,
    });
    expect(byAction('admin.role_changed')).toMatchObject({
      actor: { type: 'admin', id: a.adminId },
      targetId: aViewer.id,
      metadata: { from: 'viewer', to: 'admin' },
    });
    expect(byAction('admin.login_failed')).toMatchObject({
      actor: { type: 'system', id: null },
      targetId: a.adminId,
      metadata: { reason: 'wrong_password' },
    });
    expect(byAction('tenant.signup')).toMatchObject({
      actor: { type: 'admin', id: a.adminId },
      targetType: 'tenant',
      targetId: a.tenantId,
    });
    expect(res.body.nextCursor).toBeNull();
  });

  it('pages with an opaque cursor, at most 100 per page', async () => {
    const first = await request(gateway.url).get('/v1/audit-log?limit=3').set(bearer(a.adminToken)).expect(200);
    expect(first.body.items).toHaveLength(3);
    const rest = await request(gateway.url)
      .get(`/v1/audit-log?limit=100&cursor=${first.body.nextCursor}`)
      .set(bearer(a.adminToken))
      .expect(200);
    const all = await request(gateway.url).get('/v1/audit-log?limit=100').set(bearer(a.adminToken)).expect(200);
    expect([...first.body.items, ...rest.body.items]).toEqual(all.body.items);
    await request(gateway.url).get('/v1/audit-log?limit=101').set(bearer(a.adminToken)).expect(400);
    const denied = await request(gateway.url)
      .get('/v1/audit-log')
      .set(bearer((await createApiKey(gateway, a.adminToken, ['messages'])).key))
      .expect(403);
    expect(denied.body.code).toBe('FORBIDDEN');
  });
});

describe('at-rest scan', () => {
  it('no API key, password, refresh or invitation token appears in any table', async () => {
    const tables = ['tenants', 'admin_users', 'api_keys', 'audit_logs', 'admin_refresh_tokens', 'admin_invitations'];
    for (const table of tables) {
      const rows = await gateway.runtime.prisma.$queryRawUnsafe<{ row: string }[]>(
        `SELECT t::text AS row FROM ${table} t`,
      );
      expect(rows.length).toBeGreaterThan(0);
      const dump = rows.map((r) => r.row).join('\n');
      for (const secret of secrets) {
        expect(dump).not.toContain(secret);
        expect(dump).not.toContain(Buffer.from(secret).toString('base64'));
        expect(dump).not.toContain(Buffer.from(secret).toString('hex'));
      }
    }
  });
});
