import { Injectable } from '@nestjs/common';
import type { AdminRole, AdminUser, TenantScope } from '@mailroom/persistence';
import type { AdminPrincipal } from '../../common/auth/index.js';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { AuditService } from '../audit/audit.service.js';
import { UnitOfWork, type Transaction } from '../../data/index.js';
import { AdminUserRepository } from './admin-user.repository.js';

export interface AdminUserView {
  id: string;
  email: string;
  role: AdminRole;
  createdAt: string;
  lastLoginAt: string | null;
}

/** Only an owner may grant the owner role or act on an owner. */
export function assertMayManage(actor: AdminPrincipal, roles: readonly AdminRole[]): void {
  if (actor.role === 'viewer')
    throw new DomainError(ErrorCode.Forbidden, 'The viewer role can read but not change anything.');
  if (roles.includes('owner') && actor.role !== 'owner') {
    throw new DomainError(ErrorCode.Forbidden, 'Only an owner can grant the owner role or change an owner.');
  }
}

@Injectable()
export class AdminUsersService {
  constructor(
    private readonly admins: AdminUserRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly audit: AuditService,
  ) {}

  async list(scope: TenantScope): Promise<{ items: AdminUserView[]; nextCursor: null }> {
    const rows = await this.admins.list(scope);
    return { items: rows.map(toView), nextCursor: null };
  }

  async changeRole(scope: TenantScope, actor: AdminPrincipal, id: string, role: AdminRole): Promise<AdminUserView> {
    return this.unitOfWork.run(async (tx) => {
      const target = await this.lockTarget(tx, scope, id);
      assertMayManage(actor, [target.role, role]);
      if (target.role === role) return toView(target);
      if (target.role === 'owner') await this.assertAnotherOwner(tx, scope, target.id);
      const updated = await this.admins.changeRole(scope, target.id, role, tx);
      await this.audit.record(
        scope,
        {
          actor,
          action: 'admin.role_changed',
          targetType: 'admin_user',
          targetId: target.id,
          metadata: { from: target.role, to: role },
        },
        tx,
      );
      return toView(updated);
    });
  }

  async remove(scope: TenantScope, actor: AdminPrincipal, id: string): Promise<void> {
    await this.unitOfWork.run(async (tx) => {
      const target = await this.lockTarget(tx, scope, id);
      assertMayManage(actor, [target.role]);
      if (target.role === 'owner') await this.assertAnotherOwner(tx, scope, target.id);
      await this.admins.remove(scope, target.id, tx);
      await this.audit.record(
        scope,
        {
          actor,
          action: 'admin.removed',
          targetType: 'admin_user',
          targetId: target.id,
          metadata: { email: target.email, role: target.role },
        },
        tx,
      );
    });
  }

  /**
   * The signed-in admin leaves the tenant: their account is deleted, which ends their sessions (refresh tokens go with
   * the row; access tokens of a missing admin are refused). Any role may leave; the last owner may not.
   */
  async leave(scope: TenantScope, actor: AdminPrincipal): Promise<void> {
    await this.unitOfWork.run(async (tx) => {
      const self = await this.lockTarget(tx, scope, actor.adminId);
      if (self.role === 'owner' && (await this.admins.countOwners(scope, self.id, tx)) === 0) {
        throw new DomainError(
          ErrorCode.Conflict,
          'You are the last owner of this tenant, so you cannot leave it. Make another admin owner first, then leave.',
        );
      }
      await this.admins.remove(scope, self.id, tx);
      await this.audit.record(
        scope,
        {
          actor,
          action: 'admin.left',
          targetType: 'admin_user',
          targetId: self.id,
          metadata: { email: self.email, role: self.role },
        },
        tx,
      );
    });
  }

  /**
   * Reads the target and locks the tenant's admin rows, so two concurrent demotions cannot both pass the
   * last-owner check.
   */
  private async lockTarget(tx: Transaction, scope: TenantScope, id: string): Promise<AdminUser> {
    await this.admins.lockAll(scope, tx);
    const target = await this.admins.find(scope, id, tx);
    if (!target) throw new DomainError(ErrorCode.NotFound, 'Admin user not found.');
    return target;
  }

  private async assertAnotherOwner(tx: Transaction, scope: TenantScope, exceptId: string): Promise<void> {
    const owners = await this.admins.countOwners(scope, exceptId, tx);
    if (owners === 0)
      throw new DomainError(ErrorCode.Conflict, 'A tenant keeps at least one owner; make another admin owner first.');
  }
}

function toView(row: AdminUser): AdminUserView {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    createdAt: row.createdAt.toISOString(),
    lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
  };
}
