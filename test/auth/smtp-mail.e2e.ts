import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { bearer } from '../support/factories.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { startSmtpInbox, type ReceivedMail, type SmtpInbox } from '../support/smtp-inbox.js';
import { pollUntil } from '../support/wait.js';

/**
 * Admin mail through a real SMTP server (issue 14, item 5): MAILER=smtp with ADMIN_EMAIL_VERIFICATION, the way a
 * production deployment runs. The inbox is an in-process SMTP server; every link in a mail is followed through the API.
 */
const PUBLIC_BASE_URL = 'https://mailroom.example';
const MAIL_FROM = 'Mailroom <no-reply@mailroom.test>';
const PASSWORD = 'the right password';
const SMTP_PASSWORD = 'smtp-pass-hunter2';

let database: TestDatabase;
let inbox: SmtpInbox;
let gateway: TestGateway;
/** A gateway whose relay refuses it: SMTP_URL carries credentials and the relay offers no STARTTLS. */
let failing: TestGateway;
let failingInbox: SmtpInbox;

beforeAll(async () => {
  database = await createTestDatabase();
  inbox = await startSmtpInbox();
  failingInbox = await startSmtpInbox();
  const env = {
    DATABASE_URL: database.url,
    XMTP_API_URL: 'http://127.0.0.1:1',
    ADMIN_EMAIL_VERIFICATION: 'true',
    MAIL_FROM,
    PUBLIC_BASE_URL,
    // Both gateways share the database, so they share its secrets.
    GATEWAY_MASTER_KEY: randomBytes(32).toString('hex'),
    JWT_SECRET: randomBytes(32).toString('hex'),
  };
  gateway = await startTestGateway({ ...env, MAILER: 'smtp', SMTP_URL: inbox.url });
  failing = await startTestGateway({
    ...env,
    MIGRATE_ON_START: 'false',
    // MAILER is implied by SMTP_URL.
    SMTP_URL: `smtp://mailer:${SMTP_PASSWORD}@127.0.0.1:${failingInbox.port}`,
  });
});

afterAll(async () => {
  await failing?.close();
  await gateway?.close();
  await failingInbox?.close();
  await inbox?.close();
  await database?.drop();
});

afterEach(() => {
  jest.restoreAllMocks();
});

const freshEmail = (what: string) => `${what}-${randomBytes(5).toString('hex')}@smtp.test`;
const freshIp = () => `198.19.${randomBytes(1)[0]}.${(randomBytes(1)[0]! % 250) + 1}`;

function linkIn(mail: ReceivedMail, page: string): { link: string; token: string } {
  const match = new RegExp(`${PUBLIC_BASE_URL}/admin/${page}#token=([A-Za-z0-9_%-]+)`).exec(mail.text);
  if (!match) throw new Error(`no ${page} link in: ${JSON.stringify(mail.text)}`);
  return { link: match![0], token: decodeURIComponent(match![1]!) };
}

function signup(on: TestGateway, email: string, tenantName = 'Smtp Inc.', password = PASSWORD) {
  return request(on.url)
    .post('/v1/admin/signup')
    .set('x-forwarded-for', freshIp())
    .send({ tenantName, email, password });
}

function login(on: TestGateway, email: string, password: string) {
  return request(on.url).post('/v1/admin/login').send({ email, password });
}

/** Signs up through the mailed confirmation link; answers the session of the new owner. */
async function signUpConfirmed(email = freshEmail('owner')) {
  await signup(gateway, email).expect(202);
  const mail = await inbox.waitFor(email, /confirm your mailroom signup/i);
  const { token } = linkIn(mail, 'confirm-signup');
  const confirmed = await request(gateway.url).post('/v1/admin/signup/confirm').send({ token }).expect(201);
  return { email, accessToken: confirmed.body.accessToken as string, tenantId: confirmed.body.tenant.id as string };
}

describe('admin mail over SMTP', () => {
  it('signup mails a confirmation (text and HTML, link on PUBLIC_BASE_URL); the link creates the tenant once and the owner signs in', async () => {
    const email = freshEmail('new');
    const answer = await signup(gateway, email, 'Confirmed Co.').expect(202);
    expect(answer.body).toEqual({ status: 'confirmation_sent' });
    expect(await gateway.runtime.prisma.adminUser.count({ where: { email } })).toBe(0);

    const mail = await inbox.waitFor(email, /confirm your mailroom signup/i);
    expect(mail.headers.get('from')).toBe(MAIL_FROM);
    expect(mail.envelopeFrom).toBe('no-reply@mailroom.test');
    expect(mail.headers.get('to')).toBe(email);
    const { link, token } = linkIn(mail, 'confirm-signup');
    expect(token).toMatch(/^mrs_/);
    expect(mail.html).toContain(`<a href="${link}">`);

    const confirmed = await request(gateway.url).post('/v1/admin/signup/confirm').send({ token }).expect(201);
    expect(confirmed.body).toMatchObject({ tenant: { name: 'Confirmed Co.' }, admin: { email } });
    await request(gateway.url).post('/v1/admin/signup/confirm').send({ token }).expect(404);
    const session = await login(gateway, email, PASSWORD).expect(200);
    await request(gateway.url).get('/v1/admin/users').set(bearer(session.body.accessToken)).expect(200);
  });

  it('answers a signup with a taken email exactly like a new one; the owner is told by mail, and nothing changes', async () => {
    const owner = await signUpConfirmed();
    const before = await gateway.runtime.prisma.adminUser.findUniqueOrThrow({ where: { email: owner.email } });
    const requestsBefore = await gateway.runtime.prisma.adminSignupRequest.count({ where: { email: owner.email } });
    const fresh = freshEmail('fresh');

    const forTaken = await signup(gateway, owner.email, 'Hijack Ltd.', 'another long password');
    const forFresh = await signup(gateway, fresh, 'Hijack Ltd.', 'another long password');
    expect(forTaken.status).toBe(202);
    expect(forFresh.status).toBe(202);
    expect(forTaken.body).toEqual(forFresh.body);
    expect(forTaken.headers['content-type']).toBe(forFresh.headers['content-type']);
    expect(forTaken.headers['content-length']).toBe(forFresh.headers['content-length']);

    const note = await inbox.waitFor(owner.email, /already have a mailroom account/i);
    expect(note.text).toContain('nothing was changed');
    expect(note.text).toContain(`${PUBLIC_BASE_URL}/admin/login`);
    expect(note.text).not.toMatch(/#token=/);
    expect(note.html).not.toMatch(/#token=/);
    await inbox.waitFor(fresh, /confirm your mailroom signup/i);

    const after = await gateway.runtime.prisma.adminUser.findUniqueOrThrow({ where: { email: owner.email } });
    expect(after).toEqual(before);
    expect(await gateway.runtime.prisma.adminSignupRequest.count({ where: { email: owner.email } })).toBe(
      requestsBefore,
    );
    expect(await gateway.runtime.prisma.tenant.count({ where: { name: 'Hijack Ltd.' } })).toBe(0);
    await login(gateway, owner.email, PASSWORD).expect(200);
    await login(gateway, owner.email, 'another long password').expect(401);
  });

  it('mails a password reset whose token works once', async () => {
    const owner = await signUpConfirmed();
    await request(gateway.url)
      .post('/v1/admin/password-reset')
      .set('x-forwarded-for', freshIp())
      .send({ email: owner.email })
      .expect(202);
    const mail = await inbox.waitFor(owner.email, /reset your mailroom password/i);
    const { link, token } = linkIn(mail, 'reset-password');
    expect(token).toMatch(/^mrp_/);
    expect(mail.html).toContain(`<a href="${link}">`);

    const reset = () =>
      request(gateway.url)
        .post('/v1/admin/password-reset/confirm')
        .set('x-forwarded-for', freshIp())
        .send({ token, newPassword: 'a brand new password' });
    await reset().expect(204);
    await reset().expect(404);
    await login(gateway, owner.email, PASSWORD).expect(401);
    await login(gateway, owner.email, 'a brand new password').expect(200);
    // The old session ended with the reset.
    await request(gateway.url).get('/v1/admin/users').set(bearer(owner.accessToken)).expect(401);
  });

  it('mails an invitation to the invitee (the inviter never sees the token); accepting it signs the invitee in', async () => {
    const owner = await signUpConfirmed();
    const invitee = freshEmail('invitee');
    const invited = await request(gateway.url)
      .post('/v1/admin/invitations')
      .set(bearer(owner.accessToken))
      .send({ email: invitee, role: 'viewer' })
      .expect(201);
    expect(invited.body.token).toBeNull();

    const mail = await inbox.waitFor(invitee, /invited to a mailroom tenant/i);
    expect(mail.text).toContain('role viewer');
    const { token } = linkIn(mail, 'accept-invitation');
    expect(token).toMatch(/^mri_/);
    await request(gateway.url)
      .post('/v1/admin/invitations/accept')
      .send({ token, password: 'invitee password!' })
      .expect(200);
    const session = await login(gateway, invitee, 'invitee password!').expect(200);
    const users = await request(gateway.url).get('/v1/admin/users').set(bearer(session.body.accessToken)).expect(200);
    expect(JSON.stringify(users.body)).toContain(owner.email);
  });

  it('answers as usual when the relay fails, and logs the failure without the token or the SMTP password', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error');
    const warnings = jest.spyOn(Logger.prototype, 'warn');
    const email = freshEmail('unlucky');
    const forFailing = await signup(failing, email).expect(202);
    expect(forFailing.body).toEqual({ status: 'confirmation_sent' });
    await request(failing.url)
      .post('/v1/admin/password-reset')
      .set('x-forwarded-for', freshIp())
      .send({ email: 'nobody@smtp.test' })
      .expect(202);

    const failure = await pollUntil(
      () => errors.mock.calls.find((call) => String(call[0]).includes('Confirm your Mailroom signup')),
      'the logged send failure',
      15_000,
      50,
    );
    expect(String(failure[0])).toMatch(/^Sending "Confirm your Mailroom signup" failed: /);
    const request_ = await failing.runtime.prisma.adminSignupRequest.findFirstOrThrow({ where: { email } });
    expect(request_.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    const logged = JSON.stringify([...errors.mock.calls, ...warnings.mock.calls]);
    expect(logged).not.toContain(SMTP_PASSWORD);
    expect(logged).not.toMatch(/mrs_|mrp_|#token=/);
    // Nothing reached the relay: credentials are never sent without TLS.
    expect(failingInbox.mails).toHaveLength(0);
  });
});
