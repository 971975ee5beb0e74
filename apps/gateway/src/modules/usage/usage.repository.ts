import { Injectable } from '@nestjs/common';
import { IdentityStatus, PrismaClient, type TenantScope } from '@mailroom/persistence';

export interface CounterRow {
  readonly day: Date;
  readonly metric: string;
  readonly value: bigint | number;
}

export interface AuditTrace {
  readonly targetId: string | null;
  readonly metadata: unknown;
  readonly createdAt: Date;
}

/** The reads behind a tenant's usage overview. */
export abstract class UsageRepository {
  abstract countersSince(scope: TenantScope, since: Date): Promise<CounterRow[]>;
  /** Identities not deleted, counted by status. */
  abstract identitiesByStatus(scope: TenantScope): Promise<Map<IdentityStatus, number>>;
  abstract activeIdentityIds(scope: TenantScope): Promise<string[]>;
  /** Newest first. */
  abstract auditEntriesSince(scope: TenantScope, action: string, since: Date, take: number): Promise<AuditTrace[]>;
  /** Labels of those of `ids` that are not deleted. */
  abstract identityLabels(scope: TenantScope, ids: string[]): Promise<Map<string, string | null>>;
}

@Injectable()
export class PrismaUsageRepository extends UsageRepository {
  constructor(private readonly prisma: PrismaClient) {
    super();
  }

  countersSince(scope: TenantScope, since: Date): Promise<CounterRow[]> {
    return this.prisma.usageCounter.findMany({
      where: { tenantId: scope.tenantId, day: { gte: since } },
      select: { day: true, metric: true, value: true },
    });
  }

  async identitiesByStatus(scope: TenantScope): Promise<Map<IdentityStatus, number>> {
    const groups = await this.prisma.identity.groupBy({
      by: ['status'],
      where: { tenantId: scope.tenantId, status: { not: IdentityStatus.deleted } },
      _count: { _all: true },
    });
    return new Map(groups.map((g) => [g.status, g._count._all]));
  }

  async activeIdentityIds(scope: TenantScope): Promise<string[]> {
    const rows = await this.prisma.identity.findMany({
      where: { tenantId: scope.tenantId, status: IdentityStatus.active },
      select: { id: true },
    });
    return rows.map((row) => row.id);
  }

  auditEntriesSince(scope: TenantScope, action: string, since: Date, take: number): Promise<AuditTrace[]> {
    return this.prisma.auditLog.findMany({
      where: { tenantId: scope.tenantId, action, createdAt: { gte: since } },
      orderBy: { createdAt: 'desc' },
      take,
      select: { targetId: true, metadata: true, createdAt: true },
    });
  }

  async identityLabels(scope: TenantScope, ids: string[]): Promise<Map<string, string | null>> {
    const rows = await this.prisma.identity.findMany({
      where: { tenantId: scope.tenantId, id: { in: ids }, status: { not: IdentityStatus.deleted } },
      select: { id: true, label: true },
    });
    return new Map(rows.map((row) => [row.id, row.label]));
  }
}
