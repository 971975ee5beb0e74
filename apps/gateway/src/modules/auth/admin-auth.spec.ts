import { describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import type { AdminPrincipal } from '../../common/auth/index.js';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import type { GatewayRuntime } from '../../runtime.js';
import { InMemoryAdminAccountsSystemRepository } from '../../testing/fakes/in-memory-admin-accounts-system-repository.js';
import { InMemoryAdminCredentialRepository } from '../../testing/fakes/in-memory-admin-credential-repository.js';
import { InMemoryAdminUserRepository } from '../../testing/fakes/in-memory-admin-user-repository.js';
import { InMemoryAuditRepository } from '../../testing/fakes/in-memory-audit-repository.js';
import { InMemoryUnitOfWork } from '../../testing/fakes/in-memory-unit-of-work.js';
import { TENANT_A, TENANT_B } from '../../testing/principals.js';
import { AuditService } from '../audit/audit.service.js';
import type { AdminMail } from './admin-mail.js';
import { AdminSessionService } from './admin-session.service.js';
import { AuthThrottle } from './auth-throttle.js';
import { AuthService } from './auth.service.js';
import { JwtStrategy } from './jwt.strategy.js';
import { PasswordHasher } from './password-hasher.js';
import { PasswordResetService } from './password-reset.service.js';
import { InMemoryRateLimiter } from './rate-limiter.js';
import type { AdminClaims } from './token-claims.js';

const IP = '203.0.113.7';
const PASSWORD = 'correct horse battery';
const runtime = {
  jwtSecret: 'unit-test-secret-unit-test-secret-0000',
  config: { auth: { loginRateLimitPerMinute: 100, signupRateLimitPerHour: 100 } },
} as unknown as GatewayRuntime;
const passwords = new PasswordHasher();
const passwordHash = passwords.hash(PASSWORD);

async function setUp() {
  const admins = new InMemoryAdminUserRepository();
  const credentials = new InMemoryAdminCredentialRepository(admins);
  const accounts = new InMemoryAdminAccountsSystemRepository(credentials);
  const audit = new InMemoryAuditRepository();
  const unitOfWork = new InMemoryUnitOfWork(credentials, audit.table);
  const auditService = new AuditService(audit);
  const jwt = new JwtService({ secret: runtime.jwtSecret, signOptions: { algorithm: 'HS256' } });
  const throttle = new AuthThrottle(new InMemoryRateLimiter(), runtime);
  const sessions = new AdminSessionService(credentials, accounts, unitOfWork, jwt, auditService);
  const auth = new AuthService(throttle, accounts, credentials, unitOfWork, passwords, sessions, auditService);
  // Records the reset mails instead of sending them (sending is AdminMail's job, tested end to end).
  const mails: { to: string; token: string }[] = [];
  let mailSent!: () => void;
  const mailed = new Promise<void>((resolve) => (mailSent = resolve));
  const mail = {
    passwordReset: (to: string, token: string) => {
      mails.push({ to, token });
      mailSent();
    },
  } as unknown as AdminMail;
  const resets = new PasswordResetService(
    accounts,
    credentials,
    unitOfWork,
    passwords,
    sessions,
    auditService,
    throttle,
    mail,
  );
  const strategy = new JwtStrategy(runtime, credentials);
  const owner = await admins.create(TENANT_A, {
    email: 'owner@a.test',
    passwordHash: await passwordHash,
    role: 'owner',
    lastLoginAt: new Date(0),
  });
  return { admins, credentials, audit, jwt, sessions, auth, resets, strategy, owner, mails, mailed };
}

const errorOf = (promise: Promise<unknown>): Promise<DomainError> =>
  promise.then(
    () => undefined as never,
    (e: unknown) => e as DomainError,
  );

describe('admin sign-in against in-memory repositories', () => {
  it('logs in with the right password: a session for its tenant, the login recorded and audited', async () => {
    const { auth, jwt, owner, admins, credentials, audit } = await setUp();
    const session = await auth.login({ email: ' Owner@A.test ', password: PASSWORD }, IP);
    const claims = jwt.verify<AdminClaims>(session.accessToken);
    expect(claims).toMatchObject({ typ: 'admin', sub: owner.id, tid: TENANT_A.tenantId, role: 'owner', sv: 0 });
    expect(admins.admins.get(TENANT_A, owner.id)!.lastLoginAt!.getTime()).toBeGreaterThan(0);
    expect(credentials.refreshTokens.all(TENANT_A)).toHaveLength(1);
    expect(audit.actions(TENANT_A)).toEqual(['admin.login']);
  });

  it('answers a wrong password and an unknown email alike; only the known account gets an audit row', async () => {
    const { auth, audit, credentials } = await setUp();
    const wrong = await errorOf(auth.login({ email: 'owner@a.test', password: 'not the password' }, IP));
    const unknown = await errorOf(auth.login({ email: 'nobody@a.test', password: PASSWORD }, IP));
    expect([wrong.code, wrong.message]).toEqual([unknown.code, unknown.message]);
    expect(wrong.code).toBe(ErrorCode.Unauthenticated);
    expect(audit.actions(TENANT_A)).toEqual(['admin.login_failed']);
    expect(credentials.refreshTokens.rows.size).toBe(0);
  });

  it('rolls the login back when its audit row cannot be written', async () => {
    const { auth, audit, admins, credentials, owner } = await setUp();
    audit.failNextAppend = true;
    await expect(auth.login({ email: 'owner@a.test', password: PASSWORD }, IP)).rejects.toThrow('audit write failed');
    expect(admins.admins.get(TENANT_A, owner.id)!.lastLoginAt).toEqual(new Date(0));
    expect(credentials.refreshTokens.rows.size).toBe(0);
  });

  it('rotates a refresh token once; presenting the rotated one again ends every session of the admin', async () => {
    const { auth, sessions, credentials, audit, owner, strategy, jwt } = await setUp();
    const first = await auth.login({ email: 'owner@a.test', password: PASSWORD }, IP);
    const second = await sessions.rotate(first.refreshToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    await strategy.validate(jwt.decode(second.accessToken));

    const reuse = await errorOf(sessions.rotate(first.refreshToken));
    expect(reuse.code).toBe(ErrorCode.Unauthenticated);
    expect(credentials.refreshTokens.all(TENANT_A).every((row) => row.revokedAt !== null)).toBe(true);
    expect((await credentials.sessionState(TENANT_A, owner.id))!.sessionVersion).toBe(1);
    expect(audit.actions(TENANT_A)).toContain('admin.refresh_token_reused');
    expect((await errorOf(sessions.rotate(second.refreshToken))).code).toBe(ErrorCode.Unauthenticated);
    expect((await errorOf(strategy.validate(jwt.decode(second.accessToken)))).message).toMatch(/session has ended/);
  });

  it('logs out: the refresh token stops working and access tokens of the old session version are refused', async () => {
    const { auth, sessions, strategy, jwt } = await setUp();
    const session = await auth.login({ email: 'owner@a.test', password: PASSWORD }, IP);
    await auth.logout(session.refreshToken);
    await auth.logout('mrr_unknown');
    expect((await errorOf(sessions.rotate(session.refreshToken))).code).toBe(ErrorCode.Unauthenticated);
    expect((await errorOf(strategy.validate(jwt.decode(session.accessToken)))).code).toBe(ErrorCode.Unauthenticated);
  });

  it('changes the password only with the current one, ending other sessions and starting a fresh one', async () => {
    const { auth, credentials, owner, strategy, jwt } = await setUp();
    const other = await auth.login({ email: 'owner@a.test', password: PASSWORD }, IP);
    const principal: AdminPrincipal = {
      type: 'admin',
      tenantId: TENANT_A.tenantId,
      adminId: owner.id,
      role: 'owner',
      scope: TENANT_A,
    };
    const refused = await errorOf(
      auth.changePassword(principal, { currentPassword: 'wrong', newPassword: 'a new long password' }, IP),
    );
    expect(refused.code).toBe(ErrorCode.Forbidden);

    const fresh = await auth.changePassword(
      principal,
      { currentPassword: PASSWORD, newPassword: 'a new long password' },
      IP,
    );
    expect(await passwords.verify((await credentials.passwordHash(TENANT_A, owner.id))!, 'a new long password')).toBe(
      true,
    );
    expect((await errorOf(strategy.validate(jwt.decode(other.accessToken)))).code).toBe(ErrorCode.Unauthenticated);
    await expect(strategy.validate(jwt.decode(fresh.accessToken))).resolves.toMatchObject({ adminId: owner.id });
  });

  it("refuses a token whose tenant is not the admin's (tenant B cannot borrow A's admin)", async () => {
    const { auth, strategy, jwt, owner } = await setUp();
    const session = await auth.login({ email: 'owner@a.test', password: PASSWORD }, IP);
    const claims = jwt.verify<AdminClaims>(session.accessToken);
    expect((await errorOf(strategy.validate({ ...claims, tid: TENANT_B.tenantId }))).message).toMatch(
      /no longer exists/,
    );
    await expect(strategy.validate(claims)).resolves.toMatchObject({ tenantId: TENANT_A.tenantId, adminId: owner.id });
  });

  it('resets a password by a mailed one-time link; every other link and session ends with it', async () => {
    const { auth, resets, mails, mailed, credentials, owner, sessions, audit } = await setUp();
    const session = await auth.login({ email: 'owner@a.test', password: PASSWORD }, IP);
    await resets.request('owner@a.test', IP);
    await resets.request('nobody@a.test', IP);
    await mailed;
    await new Promise((resolve) => setImmediate(resolve));
    expect(mails.map((m) => m.to)).toEqual(['owner@a.test']);
    await credentials.createPasswordReset(TENANT_A, {
      adminUserId: owner.id,
      tokenHash: 'another link still out',
      expiresAt: new Date(Date.now() + 60_000),
    });

    await resets.confirm({ token: mails[0]!.token, newPassword: 'the reset password' }, IP);
    expect(await passwords.verify((await credentials.passwordHash(TENANT_A, owner.id))!, 'the reset password')).toBe(
      true,
    );
    expect(credentials.passwordResets.all(TENANT_A).every((row) => row.usedAt !== null)).toBe(true);
    expect((await errorOf(sessions.rotate(session.refreshToken))).code).toBe(ErrorCode.Unauthenticated);
    expect(
      (await errorOf(resets.confirm({ token: mails[0]!.token, newPassword: 'yet another password' }, IP))).code,
    ).toBe(ErrorCode.NotFound);
    expect(audit.actions(TENANT_A)).toEqual(
      expect.arrayContaining(['admin.password_reset_requested', 'admin.password_reset']),
    );
    expect(audit.actions(TENANT_B)).toEqual([]);
  });
});
