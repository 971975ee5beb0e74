import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module, Param, Post } from '@nestjs/common';
import request from 'supertest';
import type { TenantScope } from '@mailroom/persistence';
import {
  Authenticated,
  CurrentPrincipal,
  CurrentTenant,
  type Principal,
} from '../../apps/gateway/src/common/auth/index.js';
import { IdentityTokenService } from '../../apps/gateway/src/modules/auth/identity-token.service.js';
import { tenantScope } from '@mailroom/persistence';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { bearer, createApiKey, signUpTenant, type SignedUpTenant } from '../support/factories.js';
import { REDIS_URL, startTestGateway, type TestGateway } from '../support/gateway.js';

/** Routes that exist only in this test, declared the way feature modules declare theirs. */
@Controller('test-only/identities/:id')
class ProbeController {
  @Get()
  @Authenticated({ scope: 'identities', identityParam: 'id' })
  read(@CurrentPrincipal() principal: Principal, @CurrentTenant() scope: TenantScope, @Param('id') id: string) {
    return { principal: { ...principal, scope: undefined }, tenantId: scope.tenantId, id };
  }

  @Post('send')
  @Authenticated({ scope: 'messages', identityParam: 'id' })
  send() {
    return { sent: true };
  }

  @Get('admin-only')
  @Authenticated()
  adminOnly() {
    return { ok: true };
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

const IDENTITY = '11111111-1111-4111-8111-111111111111';
const OTHER_IDENTITY = '22222222-2222-4222-8222-222222222222';

let database: TestDatabase;
let gateway: TestGateway;
let tenant: SignedUpTenant;

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Hand-made HS256 JWT, to produce tokens the gateway must refuse. */
function signJwt(
  payload: Record<string, unknown>,
  secret: string,
  header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' },
): string {
  const body = `${base64url(header)}.${base64url(payload)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  database = await createTestDatabase();
  gateway = await startTestGateway(
    { DATABASE_URL: database.url, REDIS_URL, XMTP_API_URL: 'http://127.0.0.1:1' },
    { extraModules: [ProbeModule] },
  );
  tenant = await signUpTenant(gateway);
});

afterAll(async () => {
  await gateway?.close();
  await database?.drop();
});

async function expectUnauthenticated(headers: Record<string, string>, path = '/v1/api-keys') {
  const res = await request(gateway.url).get(path).set(headers).expect(401);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.headers['www-authenticate']).toBe('Bearer');
  expect(res.body.code).toBe('UNAUTHENTICATED');
}

describe('credentials that answer 401', () => {
  it('missing or malformed Authorization header', async () => {
    await expectUnauthenticated({});
    await expectUnauthenticated({ authorization: tenant.adminToken });
    await expectUnauthenticated({ authorization: `Basic ${tenant.adminToken}` });
    await expectUnauthenticated({ authorization: 'Bearer' });
    await expectUnauthenticated(bearer('mr_live_short'));
    await expectUnauthenticated(bearer(`mr_live_${'A'.repeat(43)}`));
    await expectUnauthenticated(bearer('not.a.jwt'));
  });

  it('JWT signed with another secret, expired, with alg none, or with a foreign typ', async () => {
    const claims = {
      typ: 'admin',
      sub: tenant.adminId,
      tid: tenant.tenantId,
      role: 'owner',
      iat: now(),
      exp: now() + 600,
    };
    await expectUnauthenticated(bearer(signJwt(claims, 'x'.repeat(48))));
    await expectUnauthenticated(
      bearer(signJwt({ ...claims, iat: now() - 7200, exp: now() - 3600 }, gateway.runtime.jwtSecret)),
    );
    await expectUnauthenticated(bearer(`${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`));
    await expectUnauthenticated(
      bearer(
        signJwt(claims, gateway.runtime.jwtSecret, { alg: 'HS512', typ: 'JWT' }).replace(
          /\.[^.]+$/,
          `.${createHmac('sha512', gateway.runtime.jwtSecret)
            .update(`${base64url({ alg: 'HS512', typ: 'JWT' })}.${base64url(claims)}`)
            .digest('base64url')}`,
        ),
      ),
    );
    for (const typ of ['refresh', undefined, 'Admin']) {
      await expectUnauthenticated(bearer(signJwt({ ...claims, typ }, gateway.runtime.jwtSecret)));
    }
    // typ swapped: an identity's token relabelled as admin names no admin.
    await expectUnauthenticated(bearer(signJwt({ ...claims, sub: IDENTITY }, gateway.runtime.jwtSecret)));
    // the right signature for the claims, but the admin belongs to another tenant
    await expectUnauthenticated(
      bearer(signJwt({ ...claims, tid: '33333333-3333-4333-8333-333333333333' }, gateway.runtime.jwtSecret)),
    );
    // a well-formed token passes, so the refusals above are about the token
    await request(gateway.url)
      .get('/v1/api-keys')
      .set(bearer(signJwt(claims, gateway.runtime.jwtSecret)))
      .expect(200);
  });

  it('an admin JWT of a removed admin', async () => {
    const other = await signUpTenant(gateway);
    await gateway.runtime.prisma.adminUser.delete({ where: { id: other.adminId } });
    await expectUnauthenticated(bearer(other.adminToken));
  });

  it('an expired identity token', async () => {
    const token = signJwt(
      { typ: 'identity', sub: IDENTITY, tid: tenant.tenantId, iat: now() - 4000, exp: now() - 400 },
      gateway.runtime.jwtSecret,
    );
    await expectUnauthenticated(bearer(token), `/test-only/identities/${IDENTITY}`);
  });
});

describe('identity tokens', () => {
  const mint = (ttl?: number) =>
    gateway.app.get(IdentityTokenService).mint(tenantScope(tenant.tenantId), IDENTITY, ttl);

  it('are minted with typ identity and at most one hour', async () => {
    const minted = await mint(600);
    const claims = JSON.parse(Buffer.from(minted.token.split('.')[1]!, 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ typ: 'identity', sub: IDENTITY, tid: tenant.tenantId });
    expect(claims.exp - claims.iat).toBe(600);
    expect(new Date(minted.expiresAt).getTime()).toBe(claims.exp * 1000);
    await expect(mint(3601)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(mint(0)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('open the routes of their own identity only', async () => {
    const { token } = await mint(60);
    const res = await request(gateway.url).get(`/test-only/identities/${IDENTITY}`).set(bearer(token)).expect(200);
    expect(res.body).toEqual({
      principal: { type: 'identity', tenantId: tenant.tenantId, identityId: IDENTITY },
      tenantId: tenant.tenantId,
      id: IDENTITY,
    });
    await request(gateway.url).post(`/test-only/identities/${IDENTITY}/send`).set(bearer(token)).expect(201);
    const other = await request(gateway.url)
      .get(`/test-only/identities/${OTHER_IDENTITY}`)
      .set(bearer(token))
      .expect(403);
    expect(other.body.code).toBe('FORBIDDEN');
    await request(gateway.url).get(`/test-only/identities/${IDENTITY}/admin-only`).set(bearer(token)).expect(403);
    await request(gateway.url).get('/v1/api-keys').set(bearer(token)).expect(403);
    await request(gateway.url).get('/v1/audit-log').set(bearer(token)).expect(403);
  });
});

describe('scopes and roles', () => {
  it('API keys pass on the scope the route names, and never on admin-only routes', async () => {
    const identities = await createApiKey(gateway, tenant.adminToken, ['identities']);
    const res = await request(gateway.url)
      .get(`/test-only/identities/${IDENTITY}`)
      .set(bearer(identities.key))
      .expect(200);
    expect(res.body.principal).toEqual({
      type: 'apiKey',
      tenantId: tenant.tenantId,
      apiKeyId: identities.id,
      scopes: ['identities'],
    });
    const noScope = await request(gateway.url)
      .post(`/test-only/identities/${IDENTITY}/send`)
      .set(bearer(identities.key))
      .expect(403);
    expect(noScope.body).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'messages' });
    const all = await createApiKey(gateway, tenant.adminToken);
    await request(gateway.url).get(`/test-only/identities/${IDENTITY}/admin-only`).set(bearer(all.key)).expect(403);
    await request(gateway.url).get('/v1/admin/users').set(bearer(all.key)).expect(403);
  });

  it('admins pass scope checks by role', async () => {
    await request(gateway.url).get(`/test-only/identities/${IDENTITY}`).set(bearer(tenant.adminToken)).expect(200);
    await request(gateway.url)
      .post(`/test-only/identities/${IDENTITY}/send`)
      .set(bearer(tenant.adminToken))
      .expect(201);
  });

  it('OpenAPI documents the routes with bearer auth', async () => {
    const res = await request(gateway.url).get('/docs/openapi.json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/admin/signup',
        '/v1/admin/login',
        '/v1/admin/refresh',
        '/v1/api-keys',
        '/v1/api-keys/{id}',
        '/v1/audit-log',
        '/v1/admin/users',
        '/v1/admin/invitations',
      ]),
    );
    expect(res.body.paths['/v1/api-keys'].post.security).toEqual([{ bearer: [] }]);
    expect(res.body.components.schemas.CreateApiKeyDto.properties.scopes).toBeDefined();
  });
});
