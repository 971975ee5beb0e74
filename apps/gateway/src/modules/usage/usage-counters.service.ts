import { Injectable } from '@nestjs/common';
import { Prisma, PrismaClient, type TenantScope } from '@mailroom/persistence';
import { utcDay, type UsageMetric } from './usage-metrics.js';

export interface IncrementOptions {
  /** When the work happened (default now); picks the UTC day. */
  readonly at?: Date;
  /** A transaction client, to count inside the transaction that records the work (exactly once with it). */
  readonly db?: PrismaClient | Prisma.TransactionClient;
}

/**
 * Bumps a tenant's usage counter for a UTC day. One atomic upsert per call, so concurrent replicas never lose
 * an increment; callers count the work they did (a message sent, a webhook attempt), once.
 */
@Injectable()
export class UsageCounters {
  constructor(private readonly prisma: PrismaClient) {}

  async increment(scope: TenantScope, metric: UsageMetric, n = 1, options: IncrementOptions = {}): Promise<void> {
    if (!Number.isInteger(n) || n <= 0) return;
    const db = options.db ?? this.prisma;
    await db.$executeRaw`
      INSERT INTO usage_counters (tenant_id, day, metric, value, updated_at)
      VALUES (${scope.tenantId}::uuid, ${utcDay(options.at ?? new Date())}::date, ${metric}, ${BigInt(n)}, now())
      ON CONFLICT (tenant_id, metric, day)
      DO UPDATE SET value = usage_counters.value + EXCLUDED.value, updated_at = now()`;
  }
}
