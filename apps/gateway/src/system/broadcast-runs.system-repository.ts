import { Injectable } from '@nestjs/common';
import { Prisma, PrismaClient } from '@mailroom/persistence';
import {
  tallyRecipients,
  type BroadcastCounts,
  type BroadcastRow,
  type RecipientRow,
  type RecipientStatus,
} from '../modules/broadcasts/broadcast.repository.js';

/**
 * SYSTEM (cross-tenant): the broadcast runner's work queue. Any replica leases any tenant's running broadcast and works
 * through its recipients; every transition is one statement (or one transaction).
 */
@Injectable()
export class BroadcastRunsSystemRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async counts(broadcastId: string): Promise<BroadcastCounts> {
    const rows = await this.prisma.broadcastRecipient.groupBy({
      by: ['status', 'reason'],
      where: { broadcastId },
      _count: { _all: true },
    });
    return tallyRecipients(
      rows.map((row) => ({ status: row.status as RecipientStatus, reason: row.reason, count: row._count._all })),
    );
  }

  /** Takes the lease of one running broadcast nobody holds (or whose holder stopped renewing). */
  async claim(owner: string, leaseMs: number): Promise<BroadcastRow | null> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      UPDATE broadcasts SET lease_owner = ${owner}, lease_until = now() + ${leaseMs} * interval '1 millisecond'
      WHERE id = (
        SELECT b.id FROM broadcasts b
        WHERE b.status = 'running' AND (b.lease_until IS NULL OR b.lease_until < now())
        -- Fair across tenants: the tenant whose broadcasts last ran longest ago goes first, then within it the
        -- broadcast whose turn ended longest ago (a new one has none); a turn is one batch (BroadcastRunner).
        ORDER BY (SELECT max(t.lease_until) FROM broadcasts t WHERE t.tenant_id = b.tenant_id AND t.status = 'running') ASC NULLS FIRST,
                 b.lease_until ASC NULLS FIRST, b.created_at
        LIMIT 1 FOR UPDATE OF b SKIP LOCKED
      )
      RETURNING id`;
    if (rows.length === 0) return null;
    return this.prisma.broadcast.findUnique({ where: { id: rows[0]!.id } }) as Promise<BroadcastRow | null>;
  }

  /** Extends the lease; false when another process took it over (then this one must stop). */
  async renew(id: string, owner: string, leaseMs: number): Promise<boolean> {
    const updated = await this.prisma.$executeRaw`
      UPDATE broadcasts SET lease_until = now() + ${leaseMs} * interval '1 millisecond' WHERE id = ${id}::uuid AND lease_owner = ${owner} AND status = 'running'`;
    return updated === 1;
  }

  /** Ends this process's turn on a broadcast that still has work: any process may claim it (and others first). */
  async endTurn(id: string, owner: string): Promise<void> {
    await this.prisma
      .$executeRaw`UPDATE broadcasts SET lease_until = now(), lease_owner = NULL WHERE id = ${id}::uuid AND lease_owner = ${owner}`;
  }

  async release(id: string, owner: string): Promise<void> {
    await this.prisma
      .$executeRaw`UPDATE broadcasts SET lease_until = NULL, lease_owner = NULL WHERE id = ${id}::uuid AND lease_owner = ${owner}`;
  }

  /** The next recipients still to handle, in order; `sending` ones (interrupted) come back first. */
  pending(broadcastId: string, limit: number): Promise<RecipientRow[]> {
    return this.prisma.broadcastRecipient.findMany({
      where: { broadcastId, status: { in: ['queued', 'sending'] } },
      orderBy: { position: 'asc' },
      take: limit,
      select: { position: true, recipient: true, inboxId: true, status: true },
    }) as Promise<RecipientRow[]>;
  }

  /** Inbox ids of recipients already sent or being sent (a later duplicate is skipped). */
  async handledInboxIds(broadcastId: string): Promise<Set<string>> {
    const rows = await this.prisma.broadcastRecipient.findMany({
      where: { broadcastId, status: { in: ['sent', 'sending'] }, inboxId: { not: null } },
      select: { inboxId: true },
    });
    return new Set(rows.map((r) => r.inboxId!));
  }

  async mark(
    broadcastId: string,
    position: number,
    data: {
      status: RecipientStatus;
      inboxId?: string | null;
      reason?: string | null;
      conversationId?: string;
      messageId?: string;
    },
  ): Promise<void> {
    await this.prisma.broadcastRecipient.update({ where: { broadcastId_position: { broadcastId, position } }, data });
  }

  async skipMany(broadcastId: string, positions: number[], reason: string): Promise<void> {
    if (positions.length === 0) return;
    await this.prisma.broadcastRecipient.updateMany({
      where: { broadcastId, position: { in: positions }, status: 'queued' },
      data: { status: 'skipped', reason },
    });
  }

  /**
   * Marks the broadcast completed and runs `alsoInTransaction` (the completion event, through WebhookOutbox, which
   * still takes a Prisma transaction client) in the same transaction.
   */
  async complete(
    id: string,
    owner: string,
    alsoInTransaction: (tx: Prisma.TransactionClient) => Promise<unknown>,
  ): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const updated = await tx.$executeRaw`
        UPDATE broadcasts SET status = 'completed', completed_at = now(), lease_owner = NULL, lease_until = NULL
        WHERE id = ${id}::uuid AND lease_owner = ${owner} AND status = 'running'`;
      if (updated !== 1) return false;
      await alsoInTransaction(tx);
      return true;
    });
  }
}
