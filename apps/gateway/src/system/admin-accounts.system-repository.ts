import { Injectable } from '@nestjs/common';
import {
  PrismaClient,
  type AdminInvitation,
  type AdminPasswordReset,
  type AdminRefreshToken,
  type AdminUser,
} from '@mailroom/persistence';
import { clientFor, type Transaction } from '../data/index.js';
import type { SessionSubject } from '../modules/auth/admin-credential.repository.js';

export type RefreshTokenWithSubject = AdminRefreshToken & { readonly adminUser: SessionSubject };

/**
 * SYSTEM (cross-tenant): admin accounts found by what identifies them before any tenant is known — an email address
 * (unique across tenants) or the hash of a token (invitation, refresh, password reset) — and the sweep of expired
 * password resets. Once the tenant is known, AdminCredentialRepository and AdminUserRepository take over.
 */
export abstract class AdminAccountsSystemRepository {
  abstract tenantOfAdminEmail(email: string): Promise<string | null>;
  /** Login and password-reset requests: before signing in, the email is all there is. */
  abstract findAdminByEmail(email: string): Promise<AdminUser | null>;
  abstract findInvitationByTokenHash(tokenHash: string): Promise<AdminInvitation | null>;
  /** Marks it accepted unless it already was; false when another request won. */
  abstract markInvitationAccepted(id: string, at: Date, tx?: Transaction): Promise<boolean>;
  abstract findRefreshTokenByHash(tokenHash: string): Promise<RefreshTokenWithSubject | null>;
  abstract findPasswordResetByHash(tokenHash: string): Promise<AdminPasswordReset | null>;
  /** Deletes every tenant's password resets that expired before `now`. */
  abstract deleteExpiredPasswordResets(now: Date): Promise<void>;
}

@Injectable()
export class PrismaAdminAccountsSystemRepository extends AdminAccountsSystemRepository {
  constructor(private readonly prisma: PrismaClient) {
    super();
  }

  async tenantOfAdminEmail(email: string): Promise<string | null> {
    const row = await this.prisma.adminUser.findUnique({ where: { email }, select: { tenantId: true } });
    return row?.tenantId ?? null;
  }

  findAdminByEmail(email: string): Promise<AdminUser | null> {
    return this.prisma.adminUser.findUnique({ where: { email } });
  }

  findInvitationByTokenHash(tokenHash: string): Promise<AdminInvitation | null> {
    return this.prisma.adminInvitation.findUnique({ where: { tokenHash } });
  }

  async markInvitationAccepted(id: string, at: Date, tx?: Transaction): Promise<boolean> {
    const { count } = await clientFor(this.prisma, tx).adminInvitation.updateMany({
      where: { id, acceptedAt: null },
      data: { acceptedAt: at },
    });
    return count > 0;
  }

  findRefreshTokenByHash(tokenHash: string): Promise<RefreshTokenWithSubject | null> {
    return this.prisma.adminRefreshToken.findUnique({
      where: { tokenHash },
      include: { adminUser: { select: { id: true, tenantId: true, role: true, sessionVersion: true } } },
    });
  }

  findPasswordResetByHash(tokenHash: string): Promise<AdminPasswordReset | null> {
    return this.prisma.adminPasswordReset.findUnique({ where: { tokenHash } });
  }

  async deleteExpiredPasswordResets(now: Date): Promise<void> {
    await this.prisma.adminPasswordReset.deleteMany({ where: { expiresAt: { lt: now } } });
  }
}
