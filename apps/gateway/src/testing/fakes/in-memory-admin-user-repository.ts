import { randomUUID } from 'node:crypto';
import type { AdminInvitation, AdminRole, AdminUser, TenantScope } from '@mailroom/persistence';
import { AdminUserRepository, type NewInvitation } from '../../modules/admin/admin-user.repository.js';
import { uniqueViolation } from './in-memory-api-key-repository.js';
import { InMemoryTable, type Rollbackable } from './in-memory-table.js';

export class InMemoryAdminUserRepository extends AdminUserRepository implements Rollbackable {
  readonly admins = new InMemoryTable<AdminUser>();
  readonly invitations = new InMemoryTable<AdminInvitation>();

  async list(scope: TenantScope): Promise<AdminUser[]> {
    return this.admins.all(scope).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  async find(scope: TenantScope, id: string): Promise<AdminUser | null> {
    return this.admins.get(scope, id) ?? null;
  }

  async lockAll(): Promise<void> {}

  async countOwners(scope: TenantScope, exceptId: string): Promise<number> {
    return this.admins.all(scope).filter((a) => a.role === 'owner' && a.id !== exceptId).length;
  }

  async changeRole(scope: TenantScope, id: string, role: AdminRole): Promise<AdminUser> {
    return this.admins.put({ ...this.admins.get(scope, id)!, role });
  }

  async remove(scope: TenantScope, id: string): Promise<void> {
    if (this.admins.get(scope, id)) this.admins.rows.delete(id);
  }

  async create(
    scope: TenantScope,
    admin: { email: string; passwordHash: string; role: AdminRole; lastLoginAt: Date },
  ): Promise<AdminUser> {
    if ([...this.admins.rows.values()].some((a) => a.email === admin.email)) throw uniqueViolation();
    return this.admins.put({
      ...admin,
      id: randomUUID(),
      tenantId: scope.tenantId,
      createdAt: new Date(),
      sessionVersion: 0,
    } as AdminUser);
  }

  async createInvitation(scope: TenantScope, invitation: NewInvitation): Promise<AdminInvitation> {
    return this.invitations.put({
      ...invitation,
      id: randomUUID(),
      tenantId: scope.tenantId,
      acceptedAt: null,
      createdAt: new Date(),
    });
  }

  snapshot(): () => void {
    const restores = [this.admins.snapshot(), this.invitations.snapshot()];
    return () => restores.forEach((restore) => restore());
  }
}
