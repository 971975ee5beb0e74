import { randomUUID } from 'node:crypto';
import type { AdminPasswordReset, AdminRefreshToken, AdminRole, AdminUser, TenantScope } from '@mailroom/persistence';
import {
  AdminCredentialRepository,
  type NewExpiringToken,
  type SessionSubject,
} from '../../modules/auth/admin-credential.repository.js';
import type { InMemoryAdminUserRepository } from './in-memory-admin-user-repository.js';
import { uniqueViolation } from './in-memory-api-key-repository.js';
import { InMemoryTable, type Rollbackable } from './in-memory-table.js';

/** Sign-in data over the admins of an InMemoryAdminUserRepository, plus refresh tokens and password resets. */
export class InMemoryAdminCredentialRepository extends AdminCredentialRepository implements Rollbackable {
  readonly refreshTokens = new InMemoryTable<AdminRefreshToken>();
  readonly passwordResets = new InMemoryTable<AdminPasswordReset>();

  constructor(readonly admins: InMemoryAdminUserRepository) {
    super();
  }

  async createOwner(scope: TenantScope, owner: { email: string; passwordHash: string }): Promise<AdminUser> {
    if ([...this.admins.admins.rows.values()].some((a) => a.email === owner.email)) throw uniqueViolation();
    return this.admins.admins.put({
      ...owner,
      id: randomUUID(),
      tenantId: scope.tenantId,
      role: 'owner',
      createdAt: new Date(),
      lastLoginAt: null,
      sessionVersion: 0,
    });
  }

  async sessionState(
    scope: TenantScope,
    adminId: string,
  ): Promise<{ id: string; role: AdminRole; sessionVersion: number } | null> {
    const admin = this.admins.admins.get(scope, adminId);
    return admin ? { id: admin.id, role: admin.role, sessionVersion: admin.sessionVersion } : null;
  }

  async passwordHash(scope: TenantScope, adminId: string): Promise<string | null> {
    return this.admins.admins.get(scope, adminId)?.passwordHash ?? null;
  }

  async setPasswordHash(scope: TenantScope, adminId: string, passwordHash: string): Promise<void> {
    this.admins.admins.put({ ...this.existing(scope, adminId), passwordHash });
  }

  async recordLogin(scope: TenantScope, adminId: string, at: Date): Promise<void> {
    this.admins.admins.put({ ...this.existing(scope, adminId), lastLoginAt: at });
  }

  async bumpSessionVersion(scope: TenantScope, adminId: string): Promise<SessionSubject> {
    const admin = this.existing(scope, adminId);
    const { id, tenantId, role, sessionVersion } = this.admins.admins.put({
      ...admin,
      sessionVersion: admin.sessionVersion + 1,
    });
    return { id, tenantId, role, sessionVersion };
  }

  async createRefreshToken(scope: TenantScope, token: NewExpiringToken): Promise<void> {
    this.refreshTokens.put({
      ...token,
      id: randomUUID(),
      tenantId: scope.tenantId,
      revokedAt: null,
      createdAt: new Date(),
    });
  }

  async revokeRefreshToken(scope: TenantScope, id: string, at: Date): Promise<boolean> {
    const row = this.refreshTokens.get(scope, id);
    if (!row || row.revokedAt) return false;
    this.refreshTokens.put({ ...row, revokedAt: at });
    return true;
  }

  async revokeRefreshTokensOf(scope: TenantScope, adminId: string, at: Date): Promise<number> {
    const live = this.refreshTokens.all(scope).filter((row) => row.adminUserId === adminId && !row.revokedAt);
    for (const row of live) this.refreshTokens.put({ ...row, revokedAt: at });
    return live.length;
  }

  async createPasswordReset(scope: TenantScope, reset: NewExpiringToken): Promise<void> {
    this.passwordResets.put({
      ...reset,
      id: randomUUID(),
      tenantId: scope.tenantId,
      usedAt: null,
      createdAt: new Date(),
    });
  }

  async usePasswordReset(scope: TenantScope, id: string, at: Date): Promise<boolean> {
    const row = this.passwordResets.get(scope, id);
    if (!row || row.usedAt) return false;
    this.passwordResets.put({ ...row, usedAt: at });
    return true;
  }

  async usePasswordResetsOf(scope: TenantScope, adminId: string, at: Date): Promise<void> {
    for (const row of this.passwordResets.all(scope)) {
      if (row.adminUserId === adminId && !row.usedAt) this.passwordResets.put({ ...row, usedAt: at });
    }
  }

  snapshot(): () => void {
    const restores = [this.admins.snapshot(), this.refreshTokens.snapshot(), this.passwordResets.snapshot()];
    return () => restores.forEach((restore) => restore());
  }

  /** Like Prisma's `update`, which throws when no row matches. */
  private existing(scope: TenantScope, adminId: string): AdminUser {
    const admin = this.admins.admins.get(scope, adminId);
    if (!admin) throw new Error(`no admin ${adminId} in tenant ${scope.tenantId}`);
    return admin;
  }
}
