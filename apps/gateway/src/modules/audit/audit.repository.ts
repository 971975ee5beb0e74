import { Injectable } from '@nestjs/common';
import { Prisma, PrismaClient, scopedWhere, type AuditLog, type TenantScope } from '@mailroom/persistence';
import { clientFor, type AnyTransaction } from '../../data/index.js';
import { afterPosition, type PagePosition } from './page-cursor.js';

export interface AuditRow {
  readonly actorType: string;
  readonly actorId: string | null;
  readonly action: string;
  readonly targetType: string | null;
  readonly targetId: string | null;
  readonly metadata: Record<string, string | number | boolean | null> | null;
}

/** Narrows the list; every field is optional and they combine with AND. */
export interface AuditFilter {
  readonly actorType?: string;
  readonly actorId?: string;
  /** An exact action, or a prefix ending in `.` (from the API's `admin.*`). */
  readonly action?: { readonly exact: string } | { readonly prefix: string };
  readonly from?: Date;
  readonly to?: Date;
}

/** Services pass a `Transaction`; auth/** still passes its Prisma transaction client, so the row joins it either way. */
export type AuditTransaction = AnyTransaction;

/** The tenant's audit trail rows. */
export abstract class AuditRepository {
  abstract append(scope: TenantScope, row: AuditRow, tx?: AuditTransaction): Promise<void>;
  /** Whether a row with this action, target and these metadata values exists. */
  abstract exists(
    scope: TenantScope,
    query: { action: string; targetId: string; metadata: Record<string, string | number | boolean> },
  ): Promise<boolean>;
  /** Newest first (createdAt desc, id desc), strictly after `after`. */
  abstract list(
    scope: TenantScope,
    page: { after?: PagePosition; take: number; filter?: AuditFilter },
  ): Promise<AuditLog[]>;
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

  async exists(
    scope: TenantScope,
    query: { action: string; targetId: string; metadata: Record<string, string | number | boolean> },
  ): Promise<boolean> {
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

  list(scope: TenantScope, page: { after?: PagePosition; take: number; filter?: AuditFilter }): Promise<AuditLog[]> {
    return this.prisma.auditLog.findMany({
      where: scopedWhere<Prisma.AuditLogWhereInput>(scope, {
        AND: [afterPosition(page.after), filterWhere(page.filter ?? {})],
      }),
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: page.take,
    });
  }
}

function filterWhere(filter: AuditFilter): Prisma.AuditLogWhereInput {
  const action =
    filter.action && ('exact' in filter.action ? filter.action.exact : { startsWith: filter.action.prefix });
  return {
    ...(filter.actorType ? { actorType: filter.actorType } : {}),
    ...(filter.actorId ? { actorId: filter.actorId } : {}),
    ...(action ? { action } : {}),
    ...(filter.from || filter.to
      ? { createdAt: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) } }
      : {}),
  };
}
