import { Injectable } from '@nestjs/common';
import { Prisma, PrismaClient, type TenantScope } from '@mailroom/persistence';
import { afterPosition, type PagePosition } from '../audit/page-cursor.js';

export type RecipientStatus = 'queued' | 'sending' | 'sent' | 'skipped' | 'failed';

export interface BroadcastRow {
  id: string;
  tenantId: string;
  identityId: string;
  status: 'running' | 'completed';
  content: unknown;
  total: number;
  createdAt: Date;
  completedAt: Date | null;
}

export interface RecipientRow {
  position: number;
  recipient: string;
  inboxId: string | null;
  status: RecipientStatus;
}

/** A recipient as the API lists it: where it stands and why it was skipped or failed. */
export interface RecipientOutcome extends RecipientRow {
  reason: string | null;
  updatedAt: Date;
}

export interface BroadcastCounts {
  queued: number;
  sent: number;
  skipped: number;
  failed: number;
  skippedBy: Record<string, number>;
}

/** A tenant's broadcasts as started and read through the API. Running them is BroadcastRunsSystemRepository's. */
export abstract class BroadcastRepository {
  /** Creates the broadcast and its recipient rows; an existing id (an idempotent retry) is answered as is. */
  abstract create(
    scope: TenantScope,
    input: { id: string; identityId: string; content: unknown; recipients: string[] },
  ): Promise<BroadcastRow>;
  abstract find(scope: TenantScope, identityId: string, id: string): Promise<BroadcastRow | null>;
  /** An identity's broadcasts, newest first; `limit + 1` rows after `after` so the caller can tell a next page. */
  abstract list(
    scope: TenantScope,
    identityId: string,
    page: { limit: number; after?: PagePosition },
  ): Promise<BroadcastRow[]>;
  /** Recipients in list order from `afterPosition` (exclusive), optionally of some statuses; `limit + 1` rows. */
  abstract recipients(
    scope: TenantScope,
    broadcastId: string,
    page: { limit: number; afterPosition?: number; statuses?: RecipientStatus[] },
  ): Promise<RecipientOutcome[]>;
  /** Recipients by state; zeros for a broadcast of another tenant. */
  abstract counts(scope: TenantScope, broadcastId: string): Promise<BroadcastCounts>;
}

/** Sums recipient groups (status, skip reason) into the counts a broadcast shows. */
export function tallyRecipients(
  groups: readonly { status: RecipientStatus; reason: string | null; count: number }[],
): BroadcastCounts {
  const counts: BroadcastCounts = { queued: 0, sent: 0, skipped: 0, failed: 0, skippedBy: {} };
  for (const { status, reason, count } of groups) {
    if (status === 'queued' || status === 'sending') counts.queued += count;
    else counts[status] += count;
    if (status === 'skipped')
      counts.skippedBy[reason ?? 'unknown'] = (counts.skippedBy[reason ?? 'unknown'] ?? 0) + count;
  }
  return counts;
}

@Injectable()
export class PrismaBroadcastRepository extends BroadcastRepository {
  constructor(private readonly prisma: PrismaClient) {
    super();
  }

  async create(
    scope: TenantScope,
    input: { id: string; identityId: string; content: unknown; recipients: string[] },
  ): Promise<BroadcastRow> {
    const existing = await this.find(scope, input.identityId, input.id);
    if (existing) return existing;
    await this.prisma.$transaction([
      this.prisma.broadcast.create({
        data: {
          id: input.id,
          tenantId: scope.tenantId,
          identityId: input.identityId,
          content: input.content as Prisma.InputJsonValue,
          total: input.recipients.length,
        },
      }),
      this.prisma.broadcastRecipient.createMany({
        data: input.recipients.map((recipient, position) => ({ broadcastId: input.id, position, recipient })),
      }),
    ]);
    return (await this.find(scope, input.identityId, input.id))!;
  }

  find(scope: TenantScope, identityId: string, id: string): Promise<BroadcastRow | null> {
    return this.prisma.broadcast.findFirst({
      where: { id, tenantId: scope.tenantId, identityId },
    }) as Promise<BroadcastRow | null>;
  }

  async counts(scope: TenantScope, broadcastId: string): Promise<BroadcastCounts> {
    const rows = await this.prisma.broadcastRecipient.groupBy({
      by: ['status', 'reason'],
      where: { broadcastId, broadcast: { tenantId: scope.tenantId } },
      _count: { _all: true },
    });
    return tallyRecipients(
      rows.map((row) => ({ status: row.status as RecipientStatus, reason: row.reason, count: row._count._all })),
    );
  }

  list(scope: TenantScope, identityId: string, page: { limit: number; after?: PagePosition }): Promise<BroadcastRow[]> {
    return this.prisma.broadcast.findMany({
      where: { tenantId: scope.tenantId, identityId, ...afterPosition(page.after) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: page.limit + 1,
    }) as Promise<BroadcastRow[]>;
  }

  async recipients(
    scope: TenantScope,
    broadcastId: string,
    page: { limit: number; afterPosition?: number; statuses?: RecipientStatus[] },
  ): Promise<RecipientOutcome[]> {
    const rows = await this.prisma.broadcastRecipient.findMany({
      where: {
        broadcastId,
        broadcast: { tenantId: scope.tenantId },
        ...(page.statuses ? { status: { in: page.statuses } } : {}),
        ...(page.afterPosition !== undefined ? { position: { gt: page.afterPosition } } : {}),
      },
      orderBy: { position: 'asc' },
      take: page.limit + 1,
      select: { position: true, recipient: true, inboxId: true, status: true, reason: true, updatedAt: true },
    });
    return rows.map((row) => ({ ...row, status: row.status as RecipientStatus }));
  }
}
