import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { tenantScope, type AdminRole, type TenantScope } from '@mailroom/persistence';
import type { AdminPrincipal } from '../../common/auth/index.js';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { AuditService } from '../audit/audit.service.js';
import { isUniqueViolation, UnitOfWork } from '../../data/index.js';
import { AdminAccountsSystemRepository } from '../../system/index.js';
import { AdminMail } from '../auth/admin-mail.js';
import { AdminSessionService, type AdminSession } from '../auth/admin-session.service.js';
import { emailTaken, normalizeEmail } from '../auth/auth.service.js';
import { PasswordHasher } from '../auth/password-hasher.js';
import { AdminUserRepository } from './admin-user.repository.js';
import { assertMayManage } from './admin-users.service.js';

export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;
const INVITATION_TOKEN_PREFIX = 'mri_';

function hashInvitationToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface CreatedInvitation {
  id: string;
  /** Shown once; only its SHA-256 is stored. Null when ADMIN_EMAIL_VERIFICATION mails it to the invitee instead. */
  token: string | null;
  email: string;
  role: AdminRole;
  expiresAt: string;
}

/**
 * Invitations never tell the inviter whether the address has an account in another tenant: that is only learnt by
 * whoever accepts (with ADMIN_EMAIL_VERIFICATION the token goes by mail to the invitee, so only the owner of the
 * address learns it; without it the inviter holds the token and could).
 */
@Injectable()
export class InvitationsService {
  constructor(
    @Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime,
    private readonly mail: AdminMail,
    private readonly admins: AdminUserRepository,
    private readonly accounts: AdminAccountsSystemRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly passwords: PasswordHasher,
    private readonly sessions: AdminSessionService,
    private readonly audit: AuditService,
  ) {}

  async invite(
    scope: TenantScope,
    actor: AdminPrincipal,
    input: { email: string; role: AdminRole },
  ): Promise<CreatedInvitation> {
    assertMayManage(actor, [input.role]);
    const email = normalizeEmail(input.email);
    // The tenant's own admins are listed to the inviter anyway; an account elsewhere is not the inviter's business.
    if ((await this.accounts.tenantOfAdminEmail(email)) === scope.tenantId)
      throw new DomainError(ErrorCode.Conflict, 'This address is already an admin of this tenant.');
    const token = INVITATION_TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const invitation = await this.unitOfWork.run(async (tx) => {
      const created = await this.admins.createInvitation(
        scope,
        {
          email,
          role: input.role,
          tokenHash: hashInvitationToken(token),
          invitedById: actor.adminId,
          expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
        },
        tx,
      );
      await this.audit.record(
        scope,
        {
          actor,
          action: 'admin.invited',
          targetType: 'admin_invitation',
          targetId: created.id,
          metadata: { email, role: input.role },
        },
        tx,
      );
      return created;
    });
    const mailed = this.runtime.config.auth.emailVerification;
    if (mailed) this.mail.invitation(email, token, invitation.role);
    return {
      id: invitation.id,
      token: mailed ? null : token,
      email,
      role: invitation.role,
      expiresAt: invitation.expiresAt.toISOString(),
    };
  }

  /** Creates the invited admin and signs it in. An invitation works once and until it expires. */
  async accept(input: { token: string; password: string }): Promise<AdminSession> {
    // Unscoped by necessity: the token is what identifies the tenant.
    const invitation = await this.accounts.findInvitationByTokenHash(hashInvitationToken(input.token));
    if (!invitation || invitation.acceptedAt || invitation.expiresAt.getTime() <= Date.now()) {
      throw new DomainError(ErrorCode.NotFound, 'Invitation not found, already used or expired.');
    }
    const scope = tenantScope(invitation.tenantId);
    const passwordHash = await this.passwords.hash(input.password);
    try {
      return await this.unitOfWork.run(async (tx) => {
        if (!(await this.accounts.markInvitationAccepted(invitation.id, new Date(), tx)))
          throw new DomainError(ErrorCode.NotFound, 'Invitation not found, already used or expired.');
        const admin = await this.admins.create(
          scope,
          { email: invitation.email, passwordHash, role: invitation.role, lastLoginAt: new Date() },
          tx,
        );
        await this.audit.record(
          scope,
          {
            actor: { type: 'admin', tenantId: admin.tenantId, adminId: admin.id, role: admin.role, scope },
            action: 'admin.invitation_accepted',
            targetType: 'admin_invitation',
            targetId: invitation.id,
            metadata: { email: admin.email, role: admin.role },
          },
          tx,
        );
        return this.sessions.start(admin, tx);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw emailTaken();
      throw error;
    }
  }
}
