import { Inject, Injectable } from '@nestjs/common';
import { Prisma, PrismaClient, tenantScope } from '@mailroom/persistence';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { AuditService } from '../audit/audit.service.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { AdminSessionService, type AdminSession } from './admin-session.service.js';
import { PasswordHasher } from './password-hasher.js';
import { LOGIN_RATE_LIMITER, type RateLimiter } from './rate-limiter.js';

export interface SignupResult extends AdminSession {
  tenant: { id: string; name: string };
  admin: { id: string; email: string };
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Conflict for an email that already belongs to an admin (emails are unique across tenants). */
export function emailTaken(): DomainError {
  return new DomainError(ErrorCode.Conflict, 'An admin with this email already exists.');
}

export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

@Injectable()
export class AuthService {
  constructor(
    @Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime,
    @Inject(LOGIN_RATE_LIMITER) private readonly limiter: RateLimiter,
    private readonly prisma: PrismaClient,
    private readonly tenants: TenantsService,
    private readonly passwords: PasswordHasher,
    private readonly sessions: AdminSessionService,
    private readonly audit: AuditService,
  ) {}

  /** Creates a tenant and its first admin (role owner) in one transaction. */
  async signup(input: { tenantName: string; email: string; password: string }): Promise<SignupResult> {
    if (!this.runtime.config.auth.signupEnabled) {
      throw new DomainError(ErrorCode.Forbidden, 'Signup is closed on this Mailroom (SIGNUP_ENABLED=false).');
    }
    const email = normalizeEmail(input.email);
    if (await this.prisma.adminUser.findUnique({ where: { email }, select: { id: true } })) throw emailTaken();
    const passwordHash = await this.passwords.hash(input.password);
    try {
      return await this.prisma.$transaction(async (tx) => {
        const tenant = await this.tenants.create(input.tenantName, tx);
        const scope = tenantScope(tenant.id);
        const admin = await tx.adminUser.create({ data: { tenantId: scope.tenantId, email, passwordHash, role: 'owner' } });
        const principal = { type: 'admin', tenantId: tenant.id, adminId: admin.id, role: admin.role, scope } as const;
        await this.audit.record(scope, { actor: principal, action: 'tenant.signup', targetType: 'tenant', targetId: tenant.id, metadata: { email } }, tx);
        const session = await this.sessions.start(admin, tx);
        return { tenant: { id: tenant.id, name: tenant.name }, admin: { id: admin.id, email: admin.email }, ...session };
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw emailTaken();
      throw error;
    }
  }

  /** Same answer, in about the same time, for an unknown email and a wrong password. */
  async login(input: { email: string; password: string }, clientIp: string): Promise<AdminSession> {
    const email = normalizeEmail(input.email);
    await this.throttle(email, clientIp);
    // Unscoped by necessity: before login the email is all we know.
    const admin = await this.prisma.adminUser.findUnique({ where: { email } });
    const valid = admin ? await this.passwords.verify(admin.passwordHash, input.password) : await this.passwords.verifyNothing(input.password);
    if (!admin || !valid) {
      if (admin) {
        await this.audit.record(tenantScope(admin.tenantId), {
          actor: { type: 'system' },
          action: 'admin.login_failed',
          targetType: 'admin_user',
          targetId: admin.id,
          metadata: { reason: 'wrong_password', ip: clientIp },
        });
      }
      throw new DomainError(ErrorCode.Unauthenticated, 'The email or password is wrong.');
    }
    const scope = tenantScope(admin.tenantId);
    return this.prisma.$transaction(async (tx) => {
      await tx.adminUser.update({ where: { id: admin.id }, data: { lastLoginAt: new Date() } });
      await this.audit.record(
        scope,
        { actor: { type: 'admin', tenantId: admin.tenantId, adminId: admin.id, role: admin.role, scope }, action: 'admin.login', targetType: 'admin_user', targetId: admin.id, metadata: { ip: clientIp } },
        tx,
      );
      return this.sessions.start(admin, tx);
    });
  }

  refresh(refreshToken: string): Promise<AdminSession> {
    return this.sessions.rotate(refreshToken);
  }

  logout(refreshToken: string): Promise<void> {
    return this.sessions.end(refreshToken);
  }

  private async throttle(email: string, clientIp: string): Promise<void> {
    const decisions = await Promise.all([this.limiter.consume(`email:${email}`), this.limiter.consume(`ip:${clientIp}`)]);
    const retryAfterSeconds = Math.max(...decisions.map((d) => d.retryAfterSeconds));
    if (decisions.every((d) => d.allowed)) return;
    throw new DomainError(ErrorCode.RateLimited, `Too many login attempts; try again in ${retryAfterSeconds} s.`, { retryAfterSeconds });
  }
}
