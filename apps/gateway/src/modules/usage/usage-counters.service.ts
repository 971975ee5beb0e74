import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Prisma, PrismaClient, tenantScope, type TenantScope } from '@mailroom/persistence';
import { utcDay, type UsageMetric } from './usage-metrics.js';

/** How often counts made off a transaction are written, as one statement for all of them. */
export const USAGE_FLUSH_INTERVAL_MS = 1_000;

export interface IncrementOptions {
  /** When the work happened (default now); picks the UTC day. */
  readonly at?: Date;
  /**
   * A transaction client, to count inside the transaction that records the work (exactly once with it). Without one,
   * the count is batched in memory and flushed within USAGE_FLUSH_INTERVAL_MS (a crash loses at most that much).
   */
  readonly db?: PrismaClient | Prisma.TransactionClient;
}

interface PendingCount {
  readonly tenantId: string;
  readonly day: Date;
  readonly metric: UsageMetric;
  n: number;
}

/**
 * Bumps a tenant's usage counters per UTC day with atomic upserts, so concurrent replicas never lose an increment.
 * Counts outside a transaction stay off the request path: they are summed in memory and written together.
 */
@Injectable()
export class UsageCounters implements OnModuleDestroy {
  private readonly logger = new Logger('UsageCounters');
  private pending = new Map<string, PendingCount>();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly prisma: PrismaClient) {
    this.timer = setInterval(() => void this.flush(), USAGE_FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  async increment(scope: TenantScope, metric: UsageMetric, n = 1, options: IncrementOptions = {}): Promise<void> {
    if (!Number.isInteger(n) || n <= 0) return;
    const day = utcDay(options.at ?? new Date());
    if (options.db) {
      await upsertCounts(options.db, [{ tenantId: scope.tenantId, day, metric, n }]);
      return;
    }
    const key = `${scope.tenantId}|${day.getTime()}|${metric}`;
    const pending = this.pending.get(key);
    if (pending) pending.n += n;
    else this.pending.set(key, { tenantId: scope.tenantId, day, metric, n });
  }

  /** Writes every batched count (also called on shutdown). A failed write puts the counts back for the next flush. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.pending.size === 0) return;
      const batch = [...this.pending.values()];
      this.pending = new Map();
      try {
        await upsertCounts(this.prisma, batch);
      } catch (error) {
        this.logger.warn(
          { err: error, counts: batch.length },
          'writing usage counters failed; retrying with the next flush',
        );
        for (const count of batch)
          void this.increment(tenantScope(count.tenantId), count.metric, count.n, { at: count.day });
      }
    });
    return this.flushing;
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}

async function upsertCounts(
  db: PrismaClient | Prisma.TransactionClient,
  counts: readonly PendingCount[],
): Promise<void> {
  const rows = counts.map((c) => Prisma.sql`(${c.tenantId}::uuid, ${c.day}::date, ${c.metric}, ${BigInt(c.n)}, now())`);
  await db.$executeRaw`
    INSERT INTO usage_counters (tenant_id, day, metric, value, updated_at)
    VALUES ${Prisma.join(rows)}
    ON CONFLICT (tenant_id, metric, day)
    DO UPDATE SET value = usage_counters.value + EXCLUDED.value, updated_at = now()`;
}
