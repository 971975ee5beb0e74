import type { AdminInvitation, AdminPasswordReset, AdminUser } from '@mailroom/persistence';
import { AdminAccountsSystemRepository, type RefreshTokenWithSubject } from '../../system/index.js';
import type { InMemoryAdminCredentialRepository } from './in-memory-admin-credential-repository.js';

/** The cross-tenant lookups, over the rows of the in-memory admin and credential repositories (every tenant's). */
export class InMemoryAdminAccountsSystemRepository extends AdminAccountsSystemRepository {
  constructor(private readonly credentials: InMemoryAdminCredentialRepository) {
    super();
  }

  async tenantOfAdminEmail(email: string): Promise<string | null> {
    return (await this.findAdminByEmail(email))?.tenantId ?? null;
  }

  async findAdminByEmail(email: string): Promise<AdminUser | null> {
    return [...this.credentials.admins.admins.rows.values()].find((a) => a.email === email) ?? null;
  }

  async findInvitationByTokenHash(tokenHash: string): Promise<AdminInvitation | null> {
    return [...this.credentials.admins.invitations.rows.values()].find((i) => i.tokenHash === tokenHash) ?? null;
  }

  async markInvitationAccepted(id: string, at: Date): Promise<boolean> {
    const invitation = this.credentials.admins.invitations.rows.get(id);
    if (!invitation || invitation.acceptedAt) return false;
    this.credentials.admins.invitations.put({ ...invitation, acceptedAt: at });
    return true;
  }

  async findRefreshTokenByHash(tokenHash: string): Promise<RefreshTokenWithSubject | null> {
    const row = [...this.credentials.refreshTokens.rows.values()].find((r) => r.tokenHash === tokenHash);
    const admin = row && this.credentials.admins.admins.rows.get(row.adminUserId);
    if (!row || !admin) return null;
    const { id, tenantId, role, sessionVersion } = admin;
    return { ...row, adminUser: { id, tenantId, role, sessionVersion } };
  }

  async findPasswordResetByHash(tokenHash: string): Promise<AdminPasswordReset | null> {
    return [...this.credentials.passwordResets.rows.values()].find((r) => r.tokenHash === tokenHash) ?? null;
  }

  async deleteExpiredPasswordResets(now: Date): Promise<void> {
    for (const row of [...this.credentials.passwordResets.rows.values()]) {
      if (row.expiresAt < now) this.credentials.passwordResets.rows.delete(row.id);
    }
  }
}
