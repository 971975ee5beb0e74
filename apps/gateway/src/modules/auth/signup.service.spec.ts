import { describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import { tenantScope } from '@mailroom/persistence';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import type { GatewayRuntime } from '../../runtime.js';
import { InMemoryAdminAccountsSystemRepository } from '../../testing/fakes/in-memory-admin-accounts-system-repository.js';
import { InMemoryAdminCredentialRepository } from '../../testing/fakes/in-memory-admin-credential-repository.js';
import { InMemoryAdminUserRepository } from '../../testing/fakes/in-memory-admin-user-repository.js';
import { InMemoryAuditRepository } from '../../testing/fakes/in-memory-audit-repository.js';
import { InMemorySignupRequests } from '../../testing/fakes/in-memory-signup-requests.js';
import { InMemoryTenantRepository } from '../../testing/fakes/in-memory-tenant-repository.js';
import { InMemoryUnitOfWork } from '../../testing/fakes/in-memory-unit-of-work.js';
import { AuditService } from '../audit/audit.service.js';
import { TenantsService } from '../tenants/tenants.service.js';
import type { AdminMail } from './admin-mail.js';
import { AdminSessionService } from './admin-session.service.js';
import { AuthThrottle } from './auth-throttle.js';
import { PasswordHasher } from './password-hasher.js';
import { InMemoryRateLimiter } from './rate-limiter.js';
import { SignupService, type SignupResult } from './signup.service.js';
import type { AdminClaims } from './token-claims.js';

const IP = '198.51.100.4';
const SECRET = 'unit-test-secret-unit-test-secret-0000';
const input = { tenantName: 'Acme', email: ' Founder@Acme.test ', password: 'a long enough password' };

function setUp(auth: { signupEnabled?: boolean; emailVerification?: boolean } = {}) {
  const runtime = {
    jwtSecret: SECRET,
    config: {
      nodeEnv: 'test',
      auth: {
        signupEnabled: auth.signupEnabled ?? true,
        emailVerification: auth.emailVerification ?? false,
        loginRateLimitPerMinute: 100,
        signupRateLimitPerHour: 100,
      },
    },
  } as unknown as GatewayRuntime;
  const admins = new InMemoryAdminUserRepository();
  const credentials = new InMemoryAdminCredentialRepository(admins);
  const accounts = new InMemoryAdminAccountsSystemRepository(credentials);
  const requests = new InMemorySignupRequests();
  const tenants = new InMemoryTenantRepository();
  const audit = new InMemoryAuditRepository();
  const unitOfWork = new InMemoryUnitOfWork(tenants, credentials, audit.table);
  const auditService = new AuditService(audit);
  const jwt = new JwtService({ secret: SECRET, signOptions: { algorithm: 'HS256' } });
  const throttle = new AuthThrottle(new InMemoryRateLimiter(), runtime);
  const sessions = new AdminSessionService(credentials, accounts, unitOfWork, jwt, auditService);
  // Records the mails instead of sending them (sending is AdminMail's job, tested end to end).
  const mails: { kind: 'confirmation' | 'existing'; to: string; token?: string }[] = [];
  const mail = {
    signupConfirmation: (to: string, token: string) => mails.push({ kind: 'confirmation', to, token }),
    signupWithExistingAccount: (to: string) => mails.push({ kind: 'existing', to }),
  } as unknown as AdminMail;
  const service = new SignupService(
    runtime,
    accounts,
    requests,
    credentials,
    unitOfWork,
    new TenantsService(tenants),
    new PasswordHasher(),
    sessions,
    auditService,
    throttle,
    mail,
  );
  return { service, admins, requests, tenants, audit, jwt, mails };
}

const errorOf = (promise: Promise<unknown>): Promise<DomainError> =>
  promise.then(
    () => undefined as never,
    (e: unknown) => e as DomainError,
  );

describe('SignupService (in-memory repositories)', () => {
  it('creates a tenant with its owner and signs the owner in; the same email again is a conflict', async () => {
    const { service, admins, tenants, audit, jwt } = setUp();
    const result = (await service.signup(input, IP)) as SignupResult;
    expect(result.tenant.name).toBe('Acme');
    expect(result.admin.email).toBe('founder@acme.test');
    const scope = tenantScope(result.tenant.id);
    expect(admins.admins.get(scope, result.admin.id)).toMatchObject({ role: 'owner', lastLoginAt: null });
    expect(jwt.verify<AdminClaims>(result.accessToken)).toMatchObject({ tid: result.tenant.id, role: 'owner' });
    expect(audit.actions(scope)).toEqual(['tenant.signup']);

    const again = await errorOf(service.signup({ ...input, email: 'FOUNDER@acme.test', tenantName: 'Other' }, IP));
    expect(again.code).toBe(ErrorCode.Conflict);
    expect(tenants.rows.size).toBe(1);
  });

  it('leaves no tenant and no admin behind when the signup cannot be audited', async () => {
    const { service, admins, tenants, audit } = setUp();
    audit.failNextAppend = true;
    await expect(service.signup(input, IP)).rejects.toThrow('audit write failed');
    expect(tenants.rows.size).toBe(0);
    expect(admins.admins.rows.size).toBe(0);
  });

  it('refuses signups when they are closed', async () => {
    const { service, tenants } = setUp({ signupEnabled: false });
    expect((await errorOf(service.signup(input, IP))).code).toBe(ErrorCode.Forbidden);
    expect(tenants.rows.size).toBe(0);
  });

  it('with email verification: the same answer for every address; the tenant exists once the link is used, once', async () => {
    const { service, tenants, mails, requests } = setUp({ emailVerification: true });
    expect(await service.signup(input, IP)).toEqual({ status: 'confirmation_sent' });
    expect(tenants.rows.size).toBe(0);
    const [confirmation] = mails;
    expect(confirmation).toMatchObject({ kind: 'confirmation', to: 'founder@acme.test' });

    const created = await service.confirm(confirmation!.token!, IP);
    expect(created).toMatchObject({ tenant: { name: 'Acme' }, admin: { email: 'founder@acme.test' } });
    expect(tenants.rows.size).toBe(1);
    expect((await errorOf(service.confirm(confirmation!.token!, IP))).code).toBe(ErrorCode.NotFound);
    expect((await errorOf(service.confirm('mrs_not-a-token', IP))).code).toBe(ErrorCode.NotFound);

    // The address has an account now: the same answer, and the mail says so instead of carrying a link.
    expect(await service.signup({ ...input, tenantName: 'Second' }, IP)).toEqual({ status: 'confirmation_sent' });
    expect(mails[1]).toEqual({ kind: 'existing', to: 'founder@acme.test' });
    expect([...requests.rows.values()]).toHaveLength(1);
  });
});
