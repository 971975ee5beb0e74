import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { tenantScope } from '@mailroom/persistence';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { isUniqueViolation, UnitOfWork } from '../../data/index.js';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { AuditService } from '../audit/audit.service.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { AdminAccountsSystemRepository, SignupRequestsSystemRepository } from '../../system/index.js';
import { AdminCredentialRepository } from './admin-credential.repository.js';
import { AdminMail } from './admin-mail.js';
import { AdminSessionService, type AdminSession } from './admin-session.service.js';
import { AuthThrottle } from './auth-throttle.js';
import { emailTaken, normalizeEmail } from './auth.service.js';
import { PasswordHasher } from './password-hasher.js';

export interface SignupResult extends AdminSession {
  tenant: { id: string; name: string };
  admin: { id: string; email: string };
}

/** The answer to every signup when emails are verified: whether the address had an account goes by mail only. */
export interface SignupPending {
  status: 'confirmation_sent';
}

export const SIGNUP_CONFIRMATION_TTL_MS = 24 * 3600 * 1000;
const SIGNUP_TOKEN_PREFIX = 'mrs_';

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

interface SignupInput {
  tenantName: string;
  email: string;
  password: string;
}

/**
 * Signup, throttled per client IP. With ADMIN_EMAIL_VERIFICATION every signup answers the same 202 and the address
 * learns by mail either its confirmation link or that it already has an account; nothing exists until the link is
 * used. Without it, signup answers the session at once, and so must say 409 for an address that has an account
 * (any answer that signs in reveals it, at the latest on the next login).
 */
@Injectable()
export class SignupService implements OnModuleInit {
  constructor(
    @Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime,
    private readonly accounts: AdminAccountsSystemRepository,
    private readonly signupRequests: SignupRequestsSystemRepository,
    private readonly credentials: AdminCredentialRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly tenants: TenantsService,
    private readonly passwords: PasswordHasher,
    private readonly sessions: AdminSessionService,
    private readonly audit: AuditService,
    private readonly throttle: AuthThrottle,
    private readonly mail: AdminMail,
  ) {}

  onModuleInit(): void {
    const { nodeEnv, auth } = this.runtime.config;
    if (nodeEnv === 'production' && auth.signupEnabled && !auth.emailVerification) {
      new Logger(SignupService.name).warn(
        'Public signup answers 409 for an email that has an account, so it reveals which do: set ADMIN_EMAIL_VERIFICATION=true (with a mailer) or SIGNUP_ENABLED=false.',
      );
    }
  }

  async signup(input: SignupInput, clientIp: string): Promise<SignupResult | SignupPending> {
    if (!this.runtime.config.auth.signupEnabled) {
      throw new DomainError(ErrorCode.Forbidden, 'Signup is closed on this Mailroom (SIGNUP_ENABLED=false).');
    }
    await this.throttle.signup(clientIp);
    const email = normalizeEmail(input.email);
    if (this.runtime.config.auth.emailVerification) return this.requestConfirmation({ ...input, email });
    if ((await this.accounts.tenantOfAdminEmail(email)) !== null) throw emailTaken();
    const passwordHash = await this.passwords.hash(input.password);
    return this.createTenant({ tenantName: input.tenantName, email, passwordHash });
  }

  /** Creates the tenant of a confirmed signup and signs its owner in. A link works once and for a day. */
  async confirm(token: string, clientIp: string): Promise<SignupResult> {
    const attempt = await this.throttle.tokenAttempt(clientIp);
    // Unscoped by necessity: the token is all we know.
    const request = await this.signupRequests.findByTokenHash(hashToken(token));
    if (!request || request.usedAt || request.expiresAt.getTime() <= Date.now()) {
      throw new DomainError(ErrorCode.NotFound, 'Signup confirmation not found, already used or expired.');
    }
    await attempt.release();
    if (!(await this.signupRequests.markUsed(request.id, new Date())))
      throw new DomainError(ErrorCode.NotFound, 'Signup confirmation not found, already used or expired.');
    // The link went to this mailbox, so its holder may learn that the address got an account meanwhile.
    return this.createTenant(request);
  }

  private async requestConfirmation(input: SignupInput): Promise<SignupPending> {
    // Hashed on both paths, so an address with an account answers in the same time.
    const passwordHash = await this.passwords.hash(input.password);
    await this.signupRequests.deleteExpired(new Date());
    if ((await this.accounts.tenantOfAdminEmail(input.email)) !== null) {
      this.mail.signupWithExistingAccount(input.email);
      return { status: 'confirmation_sent' };
    }
    const token = SIGNUP_TOKEN_PREFIX + randomBytes(32).toString('base64url');
    await this.signupRequests.create({
      email: input.email,
      tenantName: input.tenantName,
      passwordHash,
      tokenHash: hashToken(token),
      expiresAt: new Date(Date.now() + SIGNUP_CONFIRMATION_TTL_MS),
    });
    this.mail.signupConfirmation(input.email, token);
    return { status: 'confirmation_sent' };
  }

  /** A tenant and its first admin (role owner) in one transaction. */
  private async createTenant(input: {
    tenantName: string;
    email: string;
    passwordHash: string;
  }): Promise<SignupResult> {
    try {
      return await this.unitOfWork.run(async (tx) => {
        const tenant = await this.tenants.create(input.tenantName, tx);
        const scope = tenantScope(tenant.id);
        const admin = await this.credentials.createOwner(
          scope,
          { email: input.email, passwordHash: input.passwordHash },
          tx,
        );
        const principal = { type: 'admin', tenantId: tenant.id, adminId: admin.id, role: admin.role, scope } as const;
        await this.audit.record(
          scope,
          {
            actor: principal,
            action: 'tenant.signup',
            targetType: 'tenant',
            targetId: tenant.id,
            metadata: { email: input.email },
          },
          tx,
        );
        const session = await this.sessions.start(admin, tx);
        return {
          tenant: { id: tenant.id, name: tenant.name },
          admin: { id: admin.id, email: admin.email },
          ...session,
        };
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw emailTaken();
      throw error;
    }
  }
}
