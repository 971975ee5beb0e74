import { Injectable } from '@nestjs/common';
import {
  Prisma,
  PrismaClient,
  scopedWhere,
  type AdminRole,
  type AdminUser,
  type TenantScope,
} from '@mailroom/persistence';
import { clientFor, type Transaction } from '../../data/index.js';

/** What an admin session is issued for: the admin, its tenant, its role and its current session version. */
export interface SessionSubject {
  readonly id: string;
  readonly tenantId: string;
  readonly role: AdminRole;
  readonly sessionVersion: number;
}

export interface NewExpiringToken {
  readonly adminUserId: string;
  /** SHA-256 of the token; the token itself is never stored. */
  readonly tokenHash: string;
  readonly expiresAt: Date;
}

/**
 * A tenant's admins' sign-in data: passwords, session versions, refresh tokens and password resets. The lookups by
 * email or token that happen before the tenant is known are in AdminAccountsSystemRepository.
 */
export abstract class AdminCredentialRepository {
  /** The first admin of a tenant signup just made (never signed in yet). Throws a unique violation for a taken email. */
  abstract createOwner(
    scope: TenantScope,
    owner: { email: string; passwordHash: string },
    tx?: Transaction,
  ): Promise<AdminUser>;
  /** Null when the admin does not exist in this tenant. */
  abstract sessionState(
    scope: TenantScope,
    adminId: string,
  ): Promise<{ id: string; role: AdminRole; sessionVersion: number } | null>;
  abstract passwordHash(scope: TenantScope, adminId: string): Promise<string | null>;
  /** Throws when the admin does not exist in this tenant. */
  abstract setPasswordHash(scope: TenantScope, adminId: string, passwordHash: string, tx?: Transaction): Promise<void>;
  abstract recordLogin(scope: TenantScope, adminId: string, at: Date, tx?: Transaction): Promise<void>;
  /** Ends every access token issued so far; returns the admin with its new version. */
  abstract bumpSessionVersion(scope: TenantScope, adminId: string, tx?: Transaction): Promise<SessionSubject>;

  abstract createRefreshToken(scope: TenantScope, token: NewExpiringToken, tx?: Transaction): Promise<void>;
  /** Revokes it unless it already was; false when another request won. */
  abstract revokeRefreshToken(scope: TenantScope, id: string, at: Date, tx?: Transaction): Promise<boolean>;
  /** Revokes every live refresh token of the admin; returns how many. */
  abstract revokeRefreshTokensOf(scope: TenantScope, adminId: string, at: Date, tx?: Transaction): Promise<number>;

  abstract createPasswordReset(scope: TenantScope, reset: NewExpiringToken, tx?: Transaction): Promise<void>;
  /** Marks it used unless it already was; false when another request won. */
  abstract usePasswordReset(scope: TenantScope, id: string, at: Date, tx?: Transaction): Promise<boolean>;
  /** Marks every unused reset of the admin used (links still out stop working). */
  abstract usePasswordResetsOf(scope: TenantScope, adminId: string, at: Date, tx?: Transaction): Promise<void>;
}

@Injectable()
export class PrismaAdminCredentialRepository extends AdminCredentialRepository {
  constructor(private readonly prisma: PrismaClient) {
    super();
  }

  createOwner(
    scope: TenantScope,
    owner: { email: string; passwordHash: string },
    tx?: Transaction,
  ): Promise<AdminUser> {
    return clientFor(this.prisma, tx).adminUser.create({ data: { ...owner, tenantId: scope.tenantId, role: 'owner' } });
  }

  sessionState(
    scope: TenantScope,
    adminId: string,
  ): Promise<{ id: string; role: AdminRole; sessionVersion: number } | null> {
    return this.prisma.adminUser.findFirst({
      where: scopedWhere<Prisma.AdminUserWhereInput>(scope, { id: adminId }),
      select: { id: true, role: true, sessionVersion: true },
    });
  }

  async passwordHash(scope: TenantScope, adminId: string): Promise<string | null> {
    const row = await this.prisma.adminUser.findFirst({
      where: scopedWhere<Prisma.AdminUserWhereInput>(scope, { id: adminId }),
      select: { passwordHash: true },
    });
    return row?.passwordHash ?? null;
  }

  async setPasswordHash(scope: TenantScope, adminId: string, passwordHash: string, tx?: Transaction): Promise<void> {
    await clientFor(this.prisma, tx).adminUser.update({
      where: { id: adminId, tenantId: scope.tenantId },
      data: { passwordHash },
    });
  }

  async recordLogin(scope: TenantScope, adminId: string, at: Date, tx?: Transaction): Promise<void> {
    await clientFor(this.prisma, tx).adminUser.update({
      where: { id: adminId, tenantId: scope.tenantId },
      data: { lastLoginAt: at },
    });
  }

  bumpSessionVersion(scope: TenantScope, adminId: string, tx?: Transaction): Promise<SessionSubject> {
    return clientFor(this.prisma, tx).adminUser.update({
      where: { id: adminId, tenantId: scope.tenantId },
      data: { sessionVersion: { increment: 1 } },
      select: { id: true, tenantId: true, role: true, sessionVersion: true },
    });
  }

  async createRefreshToken(scope: TenantScope, token: NewExpiringToken, tx?: Transaction): Promise<void> {
    await clientFor(this.prisma, tx).adminRefreshToken.create({ data: { ...token, tenantId: scope.tenantId } });
  }

  async revokeRefreshToken(scope: TenantScope, id: string, at: Date, tx?: Transaction): Promise<boolean> {
    const { count } = await clientFor(this.prisma, tx).adminRefreshToken.updateMany({
      where: scopedWhere<Prisma.AdminRefreshTokenWhereInput>(scope, { id, revokedAt: null }),
      data: { revokedAt: at },
    });
    return count > 0;
  }

  async revokeRefreshTokensOf(scope: TenantScope, adminId: string, at: Date, tx?: Transaction): Promise<number> {
    const { count } = await clientFor(this.prisma, tx).adminRefreshToken.updateMany({
      where: scopedWhere<Prisma.AdminRefreshTokenWhereInput>(scope, { adminUserId: adminId, revokedAt: null }),
      data: { revokedAt: at },
    });
    return count;
  }

  async createPasswordReset(scope: TenantScope, reset: NewExpiringToken, tx?: Transaction): Promise<void> {
    await clientFor(this.prisma, tx).adminPasswordReset.create({ data: { ...reset, tenantId: scope.tenantId } });
  }

  async usePasswordReset(scope: TenantScope, id: string, at: Date, tx?: Transaction): Promise<boolean> {
    const { count } = await clientFor(this.prisma, tx).adminPasswordReset.updateMany({
      where: scopedWhere<Prisma.AdminPasswordResetWhereInput>(scope, { id, usedAt: null }),
      data: { usedAt: at },
    });
    return count > 0;
  }

  async usePasswordResetsOf(scope: TenantScope, adminId: string, at: Date, tx?: Transaction): Promise<void> {
    await clientFor(this.prisma, tx).adminPasswordReset.updateMany({
      where: scopedWhere<Prisma.AdminPasswordResetWhereInput>(scope, { adminUserId: adminId, usedAt: null }),
      data: { usedAt: at },
    });
  }
}
