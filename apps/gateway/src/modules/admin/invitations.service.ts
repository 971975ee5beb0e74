import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PrismaClient, tenantScope, type AdminRole, type TenantScope } from '@mailroom/persistence';
import type { AdminPrincipal } from '../../common/auth/index.js';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { AuditService } from '../audit/audit.service.js';
import { AdminSessionService, type AdminSession } from '../auth/admin-session.service.js';
import { emailTaken, isUniqueViolation, normalizeEmail } from '../auth/auth.service.js';
import { PasswordHasher } from '../auth/password-hasher.js';
import { assertMayManage } from './admin-users.service.js';

export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;
const INVITATION_TOKEN_PREFIX = 'mri_';

function hashInvitationToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface CreatedInvitation {
  id: string;
  /** Shown once; only its SHA-256 is stored. */
  token: string;
  email: string;
  role: AdminRole;
  expiresAt: string;
}

@Injectable()
export class InvitationsService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly passwords: PasswordHasher,
    private readonly sessions: AdminSessionService,
    private readonly audit: AuditService,
  ) {}

  async invite(scope: TenantScope, actor: AdminPrincipal, input: { email: string; role: AdminRole }): Promise<CreatedInvitation> {
    assertMayManage(actor, [input.role]);
    const email = normalizeEmail(input.email);
    if (await this.prisma.adminUser.findUnique({ where: { email }, select: { id: true } })) throw emailTaken();
    const token = INVITATION_TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const invitation = await this.prisma.$transaction(async (tx) => {
      const created = await tx.adminInvitation.create({
        data: {
          tenantId: scope.tenantId,
          email,
          role: input.role,
          tokenHash: hashInvitationToken(token),
          invitedById: actor.adminId,
          expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
        },
      });
      await this.audit.record(
        scope,
        { actor, action: 'admin.invited', targetType: 'admin_invitation', targetId: created.id, metadata: { email, role: input.role } },
        tx,
      );
      return created;
    });
    return { id: invitation.id, token, email, role: invitation.role, expiresAt: invitation.expiresAt.toISOString() };
  }

  /** Creates the invited admin and signs it in. An invitation works once and until it expires. */
  async accept(input: { token: string; password: string }): Promise<AdminSession> {
    // Unscoped by necessity: the token is what identifies the tenant.
    const invitation = await this.prisma.adminInvitation.findUnique({ where: { tokenHash: hashInvitationToken(input.token) } });
    if (!invitation || invitation.acceptedAt || invitation.expiresAt.getTime() <= Date.now()) {
      throw new DomainError(ErrorCode.NotFound, 'Invitation not found, already used or expired.');
    }
    const scope = tenantScope(invitation.tenantId);
    const passwordHash = await this.passwords.hash(input.password);
    try {
      return await this.prisma.$transaction(async (tx) => {
        const { count } = await tx.adminInvitation.updateMany({ where: { id: invitation.id, acceptedAt: null }, data: { acceptedAt: new Date() } });
        if (count === 0) throw new DomainError(ErrorCode.NotFound, 'Invitation not found, already used or expired.');
        const admin = await tx.adminUser.create({
          data: { tenantId: scope.tenantId, email: invitation.email, passwordHash, role: invitation.role, lastLoginAt: new Date() },
        });
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
