import { Injectable } from '@nestjs/common';
import { Prisma, PrismaClient, scopedWhere, tenantScope } from '@mailroom/persistence';
import type { AdminPrincipal } from '../../common/auth/index.js';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { AuditService } from '../audit/audit.service.js';
import { AdminSessionService, type AdminSession } from './admin-session.service.js';
import { PasswordHasher } from './password-hasher.js';
import { AuthThrottle } from './auth-throttle.js';

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
    private readonly throttle: AuthThrottle,
    private readonly prisma: PrismaClient,
    private readonly passwords: PasswordHasher,
    private readonly sessions: AdminSessionService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Same answer, in about the same time, for an unknown email and a wrong password. Only failures count against the
   * limits (a right password takes its attempt back).
   */
  async login(input: { email: string; password: string }, clientIp: string): Promise<AdminSession> {
    const email = normalizeEmail(input.email);
    const attempt = await this.throttle.loginAttempt(email, clientIp);
    // Unscoped by necessity: before login the email is all we know.
    const admin = await this.prisma.adminUser.findUnique({ where: { email } });
    const valid = admin
      ? await this.passwords.verify(admin.passwordHash, input.password)
      : await this.passwords.verifyNothing(input.password);
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
    await attempt.release();
    const scope = tenantScope(admin.tenantId);
    return this.prisma.$transaction(async (tx) => {
      await tx.adminUser.update({ where: { id: admin.id }, data: { lastLoginAt: new Date() } });
      await this.audit.record(
        scope,
        {
          actor: { type: 'admin', tenantId: admin.tenantId, adminId: admin.id, role: admin.role, scope },
          action: 'admin.login',
          targetType: 'admin_user',
          targetId: admin.id,
          metadata: { ip: clientIp },
        },
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

  /**
   * An admin changes its own password: every session ends (other devices, and a thief holding a token) and the
   * caller gets a fresh one.
   */
  async changePassword(
    admin: AdminPrincipal,
    input: { currentPassword: string; newPassword: string },
    clientIp: string,
  ): Promise<AdminSession> {
    const attempt = await this.throttle.passwordCheck(admin.adminId, clientIp);
    const row = await this.prisma.adminUser.findFirst({
      where: scopedWhere<Prisma.AdminUserWhereInput>(admin.scope, { id: admin.adminId }),
      select: { passwordHash: true },
    });
    if (!row || !(await this.passwords.verify(row.passwordHash, input.currentPassword))) {
      throw new DomainError(ErrorCode.Forbidden, 'The current password is wrong.');
    }
    await attempt.release();
    const passwordHash = await this.passwords.hash(input.newPassword);
    return this.prisma.$transaction(async (tx) => {
      await tx.adminUser.update({
        where: { id: admin.adminId, tenantId: admin.scope.tenantId },
        data: { passwordHash },
      });
      const subject = await this.sessions.endEverySession(admin.adminId, admin.tenantId, tx);
      await this.audit.record(
        admin.scope,
        {
          actor: admin,
          action: 'admin.password_changed',
          targetType: 'admin_user',
          targetId: admin.adminId,
          metadata: { ip: clientIp },
        },
        tx,
      );
      return this.sessions.start(subject, tx);
    });
  }
}
