import { createHash, randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { tenantScope } from '@mailroom/persistence';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { UnitOfWork } from '../../data/index.js';
import { AdminAccountsSystemRepository } from '../../system/index.js';
import { AuditService } from '../audit/audit.service.js';
import { AdminCredentialRepository } from './admin-credential.repository.js';
import { AdminMail } from './admin-mail.js';
import { AdminSessionService } from './admin-session.service.js';
import { AuthThrottle } from './auth-throttle.js';
import { normalizeEmail } from './auth.service.js';
import { PasswordHasher } from './password-hasher.js';

export const PASSWORD_RESET_TTL_MS = 3600 * 1000;
const RESET_TOKEN_PREFIX = 'mrp_';

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const invalidResetToken = () =>
  new DomainError(ErrorCode.NotFound, 'Password reset not found, already used or expired.');

/**
 * Password resets by mail: a one-time token (only its SHA-256 stored) that works for an hour. Asking answers the
 * same 202, at once, whether or not the address has an account (the work happens after the answer); using it ends
 * every session of the admin.
 */
@Injectable()
export class PasswordResetService {
  private readonly logger = new Logger(PasswordResetService.name);

  constructor(
    private readonly accounts: AdminAccountsSystemRepository,
    private readonly credentials: AdminCredentialRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly passwords: PasswordHasher,
    private readonly sessions: AdminSessionService,
    private readonly audit: AuditService,
    private readonly throttle: AuthThrottle,
    private readonly mail: AdminMail,
  ) {}

  async request(rawEmail: string, clientIp: string): Promise<void> {
    const email = normalizeEmail(rawEmail);
    if (!(await this.throttle.passwordResetRequest(email, clientIp))) return;
    setImmediate(() => {
      this.issue(email, clientIp).catch((error: unknown) =>
        this.logger.error(`Issuing a password reset failed: ${(error as Error).message}`),
      );
    });
  }

  async confirm(input: { token: string; newPassword: string }, clientIp: string): Promise<void> {
    const attempt = await this.throttle.tokenAttempt(clientIp);
    // Unscoped by necessity: the token is what identifies the admin.
    const reset = await this.accounts.findPasswordResetByHash(hashToken(input.token));
    if (!reset || reset.usedAt || reset.expiresAt.getTime() <= Date.now()) throw invalidResetToken();
    await attempt.release();
    const passwordHash = await this.passwords.hash(input.newPassword);
    const scope = tenantScope(reset.tenantId);
    await this.unitOfWork.run(async (tx) => {
      if (!(await this.credentials.usePasswordReset(scope, reset.id, new Date(), tx))) throw invalidResetToken();
      // Other links that are still out stop working too.
      await this.credentials.usePasswordResetsOf(scope, reset.adminUserId, new Date(), tx);
      await this.credentials.setPasswordHash(scope, reset.adminUserId, passwordHash, tx);
      const ended = await this.sessions.endEverySession(scope, reset.adminUserId, tx);
      await this.audit.record(
        scope,
        {
          actor: { type: 'system' },
          action: 'admin.password_reset',
          targetType: 'admin_user',
          targetId: reset.adminUserId,
          metadata: { ip: clientIp, sessionsEnded: ended.revoked },
        },
        tx,
      );
    });
  }

  private async issue(email: string, clientIp: string): Promise<void> {
    // Unscoped by necessity: before signing in the email is all we know.
    const admin = await this.accounts.findAdminByEmail(email);
    if (!admin) return;
    const scope = tenantScope(admin.tenantId);
    const token = RESET_TOKEN_PREFIX + randomBytes(32).toString('base64url');
    await this.accounts.deleteExpiredPasswordResets(new Date());
    await this.credentials.createPasswordReset(scope, {
      adminUserId: admin.id,
      tokenHash: hashToken(token),
      expiresAt: new Date(Date.now() + PASSWORD_RESET_TTL_MS),
    });
    await this.audit.record(scope, {
      actor: { type: 'system' },
      action: 'admin.password_reset_requested',
      targetType: 'admin_user',
      targetId: admin.id,
      metadata: { ip: clientIp },
    });
    this.mail.passwordReset(admin.email, token, PASSWORD_RESET_TTL_MS / 60_000);
  }
}
