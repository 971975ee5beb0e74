import { Injectable } from '@nestjs/common';
import { Prisma, PrismaClient, scopedWhere, type AuditLog, type TenantScope } from '@mailroom/persistence';
import { clientFor, type Transaction } from '../../data/index.js';
import { afterPosition, type PagePosition } from './page-cursor.js';

export interface AuditRow {
  readonly actorType: string;
  readonly actorId: string | null;
  readonly action: string;
  readonly targetType: string | null;
  readonly targetId: string | null;
  readonly metadata: Record<string, string | number | boolean | null> | null;
}

/**
 * Where a write joins a transaction. Services pass a `Transaction`; modules not yet on repositories (auth/**) still
 * pass their Prisma transaction client, which is accepted here so the audit row stays in their transaction.
 */
export type AuditTransaction = Transaction | Prisma.TransactionClient;

/** The tenant's audit trail rows. */
export abstract class AuditRepository {
  abstract append(scope: TenantScope, row: AuditRow, tx?: AuditTransaction): Promise<void>;
  /** Whether a row with this action, target and these metadata values exists. */
  abstract exists(scope: TenantScope, query: { action: string; targetId: string; metadata: Record<string, string | number | boolean> }): Promise<boolean>;
  /** Newest first (createdAt desc, id desc), strictly after `after`. */
  abstract list(scope: TenantScope, page: { after?: PagePosition; take: number }): Promise<AuditLog[]>;
}

@Injectable()
export class PrismaAuditRepository extends AuditRepository {
  constructor(private readonly prisma: PrismaClient) {
    super();
  }

  async append(scope: TenantScope, row: AuditRow, tx?: AuditTransaction): Promise<void> {
    await clientFor(this.prisma, tx).auditLog.create({
      data: { ...row, tenantId: scope.tenantId, metadata: row.metadata ?? Prisma.DbNull },
    });
  }

  async exists(scope: TenantScope, query: { action: string; targetId: string; metadata: Record<string, string | number | boolean> }): Promise<boolean> {
    const found = await this.prisma.auditLog.findFirst({
      where: scopedWhere<Prisma.AuditLogWhereInput>(scope, {
        action: query.action,
        targetId: query.targetId,
        AND: Object.entries(query.metadata).map(([key, value]) => ({ metadata: { path: [key], equals: value } })),
      }),
      select: { id: true },
    });
    return found !== null;
  }

  list(scope: TenantScope, page: { after?: PagePosition; take: number }): Promise<AuditLog[]> {
    return this.prisma.auditLog.findMany({
      where: scopedWhere<Prisma.AuditLogWhereInput>(scope, afterPosition(page.after)),
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: page.take,
    });
  }
}
