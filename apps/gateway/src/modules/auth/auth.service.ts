import { Injectable } from '@nestjs/common';
import { tenantScope } from '@mailroom/persistence';
import type { AdminPrincipal } from '../../common/auth/index.js';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { UnitOfWork } from '../../data/index.js';
import { AdminAccountsSystemRepository } from '../../system/index.js';
import { AuditService } from '../audit/audit.service.js';
import { AdminCredentialRepository } from './admin-credential.repository.js';
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

@Injectable()
export class AuthService {
  constructor(
    private readonly throttle: AuthThrottle,
    private readonly accounts: AdminAccountsSystemRepository,
    private readonly credentials: AdminCredentialRepository,
    private readonly unitOfWork: UnitOfWork,
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
    const admin = await this.accounts.findAdminByEmail(email);
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
    return this.unitOfWork.run(async (tx) => {
      await this.credentials.recordLogin(scope, admin.id, new Date(), tx);
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
    const currentHash = await this.credentials.passwordHash(admin.scope, admin.adminId);
    if (currentHash === null || !(await this.passwords.verify(currentHash, input.currentPassword))) {
      throw new DomainError(ErrorCode.Forbidden, 'The current password is wrong.');
    }
    await attempt.release();
    const passwordHash = await this.passwords.hash(input.newPassword);
    return this.unitOfWork.run(async (tx) => {
      await this.credentials.setPasswordHash(admin.scope, admin.adminId, passwordHash, tx);
      const subject = await this.sessions.endEverySession(admin.scope, admin.adminId, tx);
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
