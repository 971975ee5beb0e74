import { Injectable } from '@nestjs/common';
import {
  Prisma,
  PrismaClient,
  scopedWhere,
  type AdminInvitation,
  type AdminRole,
  type AdminUser,
  type TenantScope,
} from '@mailroom/persistence';
import { clientFor, type Transaction } from '../../data/index.js';

export interface NewInvitation {
  readonly email: string;
  readonly role: AdminRole;
  readonly tokenHash: string;
  readonly invitedById: string;
  readonly expiresAt: Date;
}

/** A tenant's admin users and the invitations it sent. */
export abstract class AdminUserRepository {
  /** Oldest first. */
  abstract list(scope: TenantScope): Promise<AdminUser[]>;
  abstract find(scope: TenantScope, id: string, tx?: Transaction): Promise<AdminUser | null>;
  /** Locks the tenant's admin rows until `tx` ends, so two concurrent demotions cannot both pass the last-owner check. */
  abstract lockAll(scope: TenantScope, tx: Transaction): Promise<void>;
  abstract countOwners(scope: TenantScope, exceptId: string, tx?: Transaction): Promise<number>;
  abstract changeRole(scope: TenantScope, id: string, role: AdminRole, tx?: Transaction): Promise<AdminUser>;
  abstract remove(scope: TenantScope, id: string, tx?: Transaction): Promise<void>;
  /** Throws a unique violation when the email has an account (in any tenant). */
  abstract create(
    scope: TenantScope,
    admin: { email: string; passwordHash: string; role: AdminRole; lastLoginAt: Date },
    tx?: Transaction,
  ): Promise<AdminUser>;
  abstract createInvitation(scope: TenantScope, invitation: NewInvitation, tx?: Transaction): Promise<AdminInvitation>;
}

@Injectable()
export class PrismaAdminUserRepository extends AdminUserRepository {
  constructor(private readonly prisma: PrismaClient) {
    super();
  }

  list(scope: TenantScope): Promise<AdminUser[]> {
    return this.prisma.adminUser.findMany({
      where: scopedWhere<Prisma.AdminUserWhereInput>(scope),
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }

  find(scope: TenantScope, id: string, tx?: Transaction): Promise<AdminUser | null> {
    return clientFor(this.prisma, tx).adminUser.findFirst({
      where: scopedWhere<Prisma.AdminUserWhereInput>(scope, { id }),
    });
  }

  async lockAll(scope: TenantScope, tx: Transaction): Promise<void> {
    await clientFor(this.prisma, tx)
      .$queryRaw`SELECT id FROM admin_users WHERE tenant_id = ${scope.tenantId}::uuid FOR UPDATE`;
  }

  countOwners(scope: TenantScope, exceptId: string, tx?: Transaction): Promise<number> {
    return clientFor(this.prisma, tx).adminUser.count({
      where: scopedWhere<Prisma.AdminUserWhereInput>(scope, { role: 'owner', id: { not: exceptId } }),
    });
  }

  async changeRole(scope: TenantScope, id: string, role: AdminRole, tx?: Transaction): Promise<AdminUser> {
    const { count } = await clientFor(this.prisma, tx).adminUser.updateMany({
      where: scopedWhere<Prisma.AdminUserWhereInput>(scope, { id }),
      data: { role },
    });
    if (count !== 1) throw new Error(`admin user ${id} vanished during a role change`);
    return (await this.find(scope, id, tx))!;
  }

  async remove(scope: TenantScope, id: string, tx?: Transaction): Promise<void> {
    await clientFor(this.prisma, tx).adminUser.deleteMany({
      where: scopedWhere<Prisma.AdminUserWhereInput>(scope, { id }),
    });
  }

  create(
    scope: TenantScope,
    admin: { email: string; passwordHash: string; role: AdminRole; lastLoginAt: Date },
    tx?: Transaction,
  ): Promise<AdminUser> {
    return clientFor(this.prisma, tx).adminUser.create({ data: { ...admin, tenantId: scope.tenantId } });
  }

  createInvitation(scope: TenantScope, invitation: NewInvitation, tx?: Transaction): Promise<AdminInvitation> {
    return clientFor(this.prisma, tx).adminInvitation.create({ data: { ...invitation, tenantId: scope.tenantId } });
  }
}
