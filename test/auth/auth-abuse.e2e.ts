import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import request from 'supertest';
import { ConfigError, loadConfig } from '@mailroom/config';
import { Mailer, type MailMessage } from '../../apps/gateway/src/modules/mail/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { bearer } from '../support/factories.js';
import { REDIS_URL, startTestGateway, type TestGateway } from '../support/gateway.js';
import { pollUntil } from '../support/wait.js';

/**
 * Abuse of the admin auth endpoints (issue 14, item 5), on two replicas sharing Postgres and Redis behind "one proxy"
 * (TRUST_PROXY=1: the right-most X-Forwarded-For entry is the client). Every client address and email is fresh, so
 * counts left in Redis by other runs never meet these.
 */
const LIMIT = 3;
const SIGNUPS_PER_HOUR = 2;
const env = {
  REDIS_URL,
  XMTP_API_URL: 'http://127.0.0.1:1',
  TRUST_PROXY: '1',
  LOGIN_RATE_LIMIT_PER_MINUTE: String(LIMIT),
  SIGNUP_RATE_LIMIT_PER_HOUR: String(SIGNUPS_PER_HOUR),
  // Replicas share the secrets: each verifies the others' JWTs.
  GATEWAY_MASTER_KEY: randomBytes(32).toString('hex'),
  JWT_SECRET: randomBytes(32).toString('hex'),
};

let database: TestDatabase;
let a: TestGateway;
let b: TestGateway;
let verifying: TestGateway;

beforeAll(async () => {
  database = await createTestDatabase();
  a = await startTestGateway({ ...env, DATABASE_URL: database.url });
  b = await startTestGateway({ ...env, DATABASE_URL: database.url, MIGRATE_ON_START: 'false' });
  verifying = await startTestGateway({
    ...env,
    DATABASE_URL: database.url,
    MIGRATE_ON_START: 'false',
    ADMIN_EMAIL_VERIFICATION: 'true',
    SIGNUP_RATE_LIMIT_PER_HOUR: '100',
  });
});

afterAll(async () => {
  await verifying?.close();
  await b?.close();
  await a?.close();
  await database?.drop();
});

const freshIp = () => `198.18.${randomBytes(1)[0]}.${(randomBytes(1)[0]! % 250) + 1}`;
const freshEmail = (what: string) => `${what}-${randomBytes(5).toString('hex')}@abuse.test`;
const PASSWORD = 'the right password';

function login(gateway: TestGateway, email: string, password: string, ip: string, forwardedFor = ip) {
  return request(gateway.url).post('/v1/admin/login').set('x-forwarded-for', forwardedFor).send({ email, password });
}

interface Tenant {
  email: string;
  adminId: string;
  tenantId: string;
  accessToken: string;
  refreshToken: string;
}

async function signUp(gateway: TestGateway = a): Promise<Tenant> {
  const email = freshEmail('owner');
  const res = await request(gateway.url)
    .post('/v1/admin/signup')
    .set('x-forwarded-for', freshIp())
    .send({ tenantName: 'Abuse Inc.', email, password: PASSWORD })
    .expect(201);
  return {
    email,
    adminId: res.body.admin.id,
    tenantId: res.body.tenant.id,
    accessToken: res.body.accessToken,
    refreshToken: res.body.refreshToken,
  };
}

const observed = new Map<TestGateway, MailMessage[]>();

/** Observes what a gateway's configured mailer is asked to send (it still sends it). */
function mailsOf(gateway: TestGateway): MailMessage[] {
  const seen = observed.get(gateway);
  if (seen) return seen;
  const sent: MailMessage[] = [];
  observed.set(gateway, sent);
  const mailer = gateway.app.get(Mailer);
  const original = mailer.send.bind(mailer);
  jest.spyOn(mailer, 'send').mockImplementation(async (message: MailMessage) => {
    sent.push(message);
    await original(message);
  });
  return sent;
}

const tokenIn = (mail: MailMessage) => /#token=([^\s]+)/.exec(mail.text)?.[1];

describe('(a) the login limiter counts on Redis across replicas', () => {
  it('refuses the attempt after LIMIT failures spread over two replicas', async () => {
    const { email } = await signUp();
    const ip = freshIp();
    for (const gateway of [a, b, a]) await login(gateway, email, 'wrong password', ip).expect(401);
    const refused = await login(b, email, 'wrong password', ip).expect(429);
    expect(refused.body.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('counts failures only: right passwords never use the budget up', async () => {
    const { email } = await signUp();
    const ip = freshIp();
    for (let i = 0; i < LIMIT + 2; i++) await login(i % 2 ? a : b, email, PASSWORD, ip).expect(200);
  });
});

describe('(b) TRUST_PROXY takes a hop count', () => {
  it('reads the client from the right-most X-Forwarded-For entry, so forged entries to its left do not evade the limit', async () => {
    const client = freshIp();
    for (let i = 0; i < LIMIT; i++) {
      await login(a, freshEmail('nobody'), 'whatever it is', client, `${freshIp()}, ${client}`).expect(401);
    }
    await login(a, freshEmail('nobody'), 'whatever it is', client, `${freshIp()}, ${client}`).expect(429);
  });

  it('parses true/false as before, a hop count, and proxy addresses or CIDRs', () => {
    const trust = (value: string) => loadConfig({ TRUST_PROXY: value }).http.trustProxy;
    expect(trust('true')).toBe(true);
    expect(trust('false')).toBe(false);
    expect(trust('0')).toBe(false);
    expect(trust('2')).toBe(2);
    expect(trust('10.0.0.0/8, 127.0.0.1,::1/128')).toEqual(['10.0.0.0/8', '127.0.0.1', '::1/128']);
    expect(() => trust('10.0.0.0/33')).toThrow(ConfigError);
    expect(() => trust('proxy.internal')).toThrow(ConfigError);
  });
});

describe('(c) a stranger cannot lock an admin out', () => {
  it('counts failures per (email, IP): the owner still signs in from its own address', async () => {
    const { email } = await signUp();
    const stranger = freshIp();
    for (let i = 0; i < LIMIT; i++) await login(a, email, 'guess', stranger).expect(401);
    await login(a, email, PASSWORD, stranger).expect(429);
    await login(a, email, PASSWORD, freshIp()).expect(200);
  });

  it('stops a guesser spread over many addresses at a per-email ceiling 10 times higher', async () => {
    const { email } = await signUp();
    for (let i = 0; i < 10; i++) {
      const ip = freshIp();
      for (let j = 0; j < LIMIT; j++) await login(i % 2 ? a : b, email, 'guess', ip).expect(401);
    }
    const refused = await login(a, email, 'guess', freshIp()).expect(429);
    expect(refused.body.code).toBe('RATE_LIMITED');
  });
});

describe('(d) signup is throttled per client IP', () => {
  it(`allows ${SIGNUPS_PER_HOUR} signups per hour from one address, across replicas`, async () => {
    const ip = freshIp();
    const signup = (gateway: TestGateway, from: string) =>
      request(gateway.url)
        .post('/v1/admin/signup')
        .set('x-forwarded-for', from)
        .send({ tenantName: 'T', email: freshEmail('signup'), password: PASSWORD });
    await signup(a, ip).expect(201);
    await signup(b, ip).expect(201);
    const refused = await signup(a, ip).expect(429);
    expect(refused.body.code).toBe('RATE_LIMITED');
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    await signup(b, freshIp()).expect(201);
  });
});

describe('(e) signup and invitations do not reveal whether an email has an account', () => {
  it('with ADMIN_EMAIL_VERIFICATION, signup answers the same for a taken and a new email, and creates nothing before confirmation', async () => {
    const mails = mailsOf(verifying);
    const taken = await signUp();
    const fresh = freshEmail('new');
    const send = (email: string) =>
      request(verifying.url)
        .post('/v1/admin/signup')
        .set('x-forwarded-for', freshIp())
        .send({ tenantName: 'Second', email, password: 'another long password' });
    const [forTaken, forFresh] = [await send(taken.email), await send(fresh)];
    expect(forTaken.status).toBe(202);
    expect(forFresh.status).toBe(202);
    expect(forTaken.body).toEqual(forFresh.body);
    expect(forTaken.body).toEqual({ status: 'confirmation_sent' });
    expect(await verifying.runtime.prisma.tenant.count({ where: { name: 'Second' } })).toBe(0);
    expect(await verifying.runtime.prisma.adminUser.count({ where: { email: fresh } })).toBe(0);

    // The mailbox learns which: the owner of the taken address is told it has an account; the new one gets a link.
    await pollUntil(() => mails.length >= 2, 'two mails', 5_000, 20);
    const toTaken = mails.find((m) => m.to === taken.email)!;
    const toFresh = mails.find((m) => m.to === fresh)!;
    expect(toTaken.subject).toMatch(/already have/i);
    expect(tokenIn(toTaken)).toBeUndefined();
    const token = tokenIn(toFresh)!;
    expect(token).toMatch(/^mrs_/);

    const confirmed = await request(verifying.url)
      .post('/v1/admin/signup/confirm')
      .set('x-forwarded-for', freshIp())
      .send({ token })
      .expect(201);
    expect(confirmed.body).toMatchObject({
      tenant: { name: 'Second' },
      admin: { email: fresh },
      accessToken: expect.any(String),
    });
    await request(verifying.url).get('/v1/admin/users').set(bearer(confirmed.body.accessToken)).expect(200);
    await request(verifying.url)
      .post('/v1/admin/signup/confirm')
      .set('x-forwarded-for', freshIp())
      .send({ token })
      .expect(404);
    // The owner of the taken address kept its password.
    await login(a, taken.email, PASSWORD, freshIp()).expect(200);
  });

  it('takes about as long for a taken email as for a new one (both hash the password)', async () => {
    const taken = await signUp();
    const time = async (email: string) => {
      const started = process.hrtime.bigint();
      await request(verifying.url)
        .post('/v1/admin/signup')
        .set('x-forwarded-for', freshIp())
        .send({ tenantName: 'T', email, password: PASSWORD })
        .expect(202);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const takenTimes: number[] = [];
    const freshTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      takenTimes.push(await time(taken.email));
      freshTimes.push(await time(freshEmail('timing')));
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    expect(median(takenTimes)).toBeGreaterThan(median(freshTimes) * 0.5);
    expect(median(takenTimes)).toBeLessThan(median(freshTimes) * 2);
  });

  it('invitations answer the same whether or not the address is an admin of another tenant', async () => {
    const inviter = await signUp();
    const elsewhere = await signUp();
    const invite = (email: string) =>
      request(a.url).post('/v1/admin/invitations').set(bearer(inviter.accessToken)).send({ email, role: 'admin' });
    const forTaken = await invite(elsewhere.email);
    const forFresh = await invite(freshEmail('invitee'));
    expect(forTaken.status).toBe(201);
    expect(forFresh.status).toBe(201);
    expect(Object.keys(forTaken.body).sort()).toEqual(Object.keys(forFresh.body).sort());
  });

  it('with ADMIN_EMAIL_VERIFICATION, the invitation token goes to the invitee by mail, not to the inviter', async () => {
    const mails = mailsOf(verifying);
    const inviter = await signUp();
    const invitee = freshEmail('invitee');
    const res = await request(verifying.url)
      .post('/v1/admin/invitations')
      .set(bearer(inviter.accessToken))
      .send({ email: invitee, role: 'viewer' })
      .expect(201);
    expect(res.body.token).toBeNull();
    await pollUntil(() => mails.some((m) => m.to === invitee), 'the invitation mail', 5_000, 20);
    const token = tokenIn(mails.find((m) => m.to === invitee)!)!;
    expect(token).toMatch(/^mri_/);
    await request(verifying.url)
      .post('/v1/admin/invitations/accept')
      .send({ token, password: 'invitee password!' })
      .expect(200);
  });
});

describe('(f) logout and refresh-token reuse end access tokens too', () => {
  it('logout ends the access token at once, on this replica and the other', async () => {
    const { email } = await signUp();
    const session = (await login(a, email, PASSWORD, freshIp()).expect(200)).body;
    await request(b.url).get('/v1/admin/users').set(bearer(session.accessToken)).expect(200);
    await request(a.url).post('/v1/admin/logout').send({ refreshToken: session.refreshToken }).expect(204);
    const onA = await request(a.url).get('/v1/admin/users').set(bearer(session.accessToken)).expect(401);
    expect(onA.body.code).toBe('UNAUTHENTICATED');
    await request(b.url).get('/v1/admin/users').set(bearer(session.accessToken)).expect(401);
    // Signing in again works.
    const again = (await login(b, email, PASSWORD, freshIp()).expect(200)).body;
    await request(a.url).get('/v1/admin/users').set(bearer(again.accessToken)).expect(200);
  });

  it('reusing a rotated refresh token ends the access tokens of that admin', async () => {
    const tenant = await signUp();
    const rotated = (
      await request(a.url).post('/v1/admin/refresh').send({ refreshToken: tenant.refreshToken }).expect(200)
    ).body;
    await request(a.url).get('/v1/admin/users').set(bearer(rotated.accessToken)).expect(200);
    await request(b.url).post('/v1/admin/refresh').send({ refreshToken: tenant.refreshToken }).expect(401);
    await request(a.url).get('/v1/admin/users').set(bearer(rotated.accessToken)).expect(401);
    await request(b.url).get('/v1/admin/users').set(bearer(tenant.accessToken)).expect(401);
  });

  it('an unknown refresh token at logout changes nothing', async () => {
    const tenant = await signUp();
    await request(a.url).post('/v1/admin/logout').send({ refreshToken: 'mrr_unknown' }).expect(204);
    await request(a.url).get('/v1/admin/users').set(bearer(tenant.accessToken)).expect(200);
  });
});

describe('(g) admins change and reset their passwords', () => {
  it('changes its own password: the current one is checked, every old session ends, a fresh one is answered', async () => {
    const tenant = await signUp();
    const other = (await login(b, tenant.email, PASSWORD, freshIp()).expect(200)).body;
    const wrong = await request(a.url)
      .post('/v1/admin/password')
      .set('x-forwarded-for', freshIp())
      .set(bearer(tenant.accessToken))
      .send({ currentPassword: 'not it', newPassword: 'a brand new password' });
    expect(wrong.status).toBe(403);
    const changed = await request(a.url)
      .post('/v1/admin/password')
      .set('x-forwarded-for', freshIp())
      .set(bearer(tenant.accessToken))
      .send({ currentPassword: PASSWORD, newPassword: 'a brand new password' })
      .expect(200);
    expect(changed.body).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.stringMatching(/^mrr_/),
      expiresIn: 3600,
    });
    await request(a.url).get('/v1/admin/users').set(bearer(changed.body.accessToken)).expect(200);
    for (const old of [tenant.accessToken, other.accessToken])
      await request(b.url).get('/v1/admin/users').set(bearer(old)).expect(401);
    await request(a.url).post('/v1/admin/refresh').send({ refreshToken: other.refreshToken }).expect(401);
    await login(a, tenant.email, PASSWORD, freshIp()).expect(401);
    await login(a, tenant.email, 'a brand new password', freshIp()).expect(200);
    const audit = await a.runtime.prisma.auditLog.findMany({
      where: { action: 'admin.password_changed', targetId: tenant.adminId },
    });
    expect(audit).toHaveLength(1);
  });

  it('refuses API keys and short new passwords', async () => {
    const tenant = await signUp();
    await request(a.url)
      .post('/v1/admin/password')
      .set('x-forwarded-for', freshIp())
      .set(bearer(tenant.accessToken))
      .send({ currentPassword: PASSWORD, newPassword: 'short' })
      .expect(400);
    await request(a.url)
      .post('/v1/admin/password')
      .set('x-forwarded-for', freshIp())
      .send({ currentPassword: PASSWORD, newPassword: 'a brand new password' })
      .expect(401);
  });

  it('resets it with a mailed one-time token: 202 for every address, hashed, single use, ends every session', async () => {
    const mails = mailsOf(a);
    const tenant = await signUp();
    const unknown = freshEmail('nobody');
    const forKnown = await request(a.url)
      .post('/v1/admin/password-reset')
      .set('x-forwarded-for', freshIp())
      .send({ email: tenant.email.toUpperCase() });
    const forUnknown = await request(a.url)
      .post('/v1/admin/password-reset')
      .set('x-forwarded-for', freshIp())
      .send({ email: unknown });
    expect([forKnown.status, forUnknown.status]).toEqual([202, 202]);
    expect(forKnown.text).toBe(forUnknown.text);

    await pollUntil(() => mails.some((m) => m.to === tenant.email), 'the reset mail', 5_000, 20);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(mails.filter((m) => m.to === unknown)).toHaveLength(0);
    const token = tokenIn(mails.find((m) => m.to === tenant.email)!)!;
    expect(token).toMatch(/^mrp_/);
    const row = await a.runtime.prisma.adminPasswordReset.findFirstOrThrow({ where: { adminUserId: tenant.adminId } });
    expect(row.tokenHash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(Math.abs(row.expiresAt.getTime() - row.createdAt.getTime() - 3600 * 1000)).toBeLessThan(1000);

    await request(b.url)
      .post('/v1/admin/password-reset/confirm')
      .set('x-forwarded-for', freshIp())
      .send({ token, newPassword: 'reset to this one' })
      .expect(204);
    await request(a.url)
      .post('/v1/admin/password-reset/confirm')
      .set('x-forwarded-for', freshIp())
      .send({ token, newPassword: 'and again to this' })
      .expect(404);
    await request(a.url).get('/v1/admin/users').set(bearer(tenant.accessToken)).expect(401);
    await request(a.url).post('/v1/admin/refresh').send({ refreshToken: tenant.refreshToken }).expect(401);
    await login(a, tenant.email, 'reset to this one', freshIp()).expect(200);
  });

  it('refuses an expired reset token', async () => {
    const mails = mailsOf(a);
    const tenant = await signUp();
    await request(a.url)
      .post('/v1/admin/password-reset')
      .set('x-forwarded-for', freshIp())
      .send({ email: tenant.email })
      .expect(202);
    await pollUntil(() => mails.some((m) => m.to === tenant.email), 'the reset mail', 5_000, 20);
    const token = tokenIn(mails.find((m) => m.to === tenant.email)!)!;
    await a.runtime.prisma.adminPasswordReset.updateMany({
      where: { adminUserId: tenant.adminId },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    await request(a.url)
      .post('/v1/admin/password-reset/confirm')
      .set('x-forwarded-for', freshIp())
      .send({ token, newPassword: 'reset to this one' })
      .expect(404);
    await login(a, tenant.email, PASSWORD, freshIp()).expect(200);
  });

  it('uses the log mailer only outside production: production refuses MAILER=log (it logs tokens)', () => {
    const production = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://x@db/x',
      GATEWAY_MASTER_KEY: 'a'.repeat(64),
      JWT_SECRET: 's'.repeat(32),
      SIGNUP_ENABLED: 'false',
    };
    expect(loadConfig({}).mail.transport).toBe('log');
    expect(loadConfig(production).mail.transport).toBe('none');
    expect(() => loadConfig({ ...production, MAILER: 'log' })).toThrow(ConfigError);
    expect(() => loadConfig({ MAILER: 'smtp' })).toThrow(ConfigError);
  });
});
