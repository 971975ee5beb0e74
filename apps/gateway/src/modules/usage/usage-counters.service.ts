import { Injectable } from '@nestjs/common';
import { PrismaClient, type TenantScope } from '@mailroom/persistence';
import { utcDay, type UsageMetric } from './usage-metrics.js';

/**
 * Bumps a tenant's usage counter for today (UTC). One atomic upsert per call, so concurrent replicas
 * never lose an increment; callers count the work they did (a message sent, a webhook attempt), once.
 */
@Injectable()
export class UsageCounters {
  constructor(private readonly prisma: PrismaClient) {}

  async increment(scope: TenantScope, metric: UsageMetric, n = 1, at: Date = new Date()): Promise<void> {
    if (!Number.isInteger(n) || n <= 0) return;
    await this.prisma.$executeRaw`
      INSERT INTO usage_counters (tenant_id, day, metric, value, updated_at)
      VALUES (${scope.tenantId}::uuid, ${utcDay(at)}::date, ${metric}, ${BigInt(n)}, now())
      ON CONFLICT (tenant_id, metric, day)
      DO UPDATE SET value = usage_counters.value + EXCLUDED.value, updated_at = now()`;
  }
}
