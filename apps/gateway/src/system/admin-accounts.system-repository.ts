import { Injectable } from '@nestjs/common';
import { PrismaClient, type AdminInvitation } from '@mailroom/persistence';
import { clientFor, type Transaction } from '../data/index.js';

/**
 * SYSTEM (cross-tenant): admin accounts found by what identifies them before any tenant is known — an email address
 * (unique across tenants) or an invitation token's hash.
 */
export abstract class AdminAccountsSystemRepository {
  abstract tenantOfAdminEmail(email: string): Promise<string | null>;
  abstract findInvitationByTokenHash(tokenHash: string): Promise<AdminInvitation | null>;
  /** Marks it accepted unless it already was; false when another request won. */
  abstract markInvitationAccepted(id: string, at: Date, tx?: Transaction): Promise<boolean>;
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
}
