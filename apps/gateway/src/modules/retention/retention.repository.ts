import { Injectable } from '@nestjs/common';
import { PrismaClient } from '@mailroom/persistence';

/** Rows one statement touches, so a sweep never holds long locks or builds a huge transaction. */
const BATCH = 1_000;

export interface RetentionCutoffs {
  readonly webhookBodiesSucceededBefore: Date;
  readonly webhookAttemptsStartedBefore: Date;
  readonly refreshTokensEndedBefore: Date;
  /** Ids of received messages sent before this no longer guard the messages.received count (see received-messages). */
  readonly receivedIdsSentBefore: Date;
  readonly now: Date;
}

export interface RetentionCounts {
  webhookBodies: number;
  webhookAttempts: number;
  refreshTokens: number;
  idempotencyRecords: number;
  receivedMessageIds: number;
}

/**
 * System job, across tenants by design: deletes what the retention settings let go, in batches. Each statement is
 * idempotent, so every replica may run it.
 */
@Injectable()
export class RetentionRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async purge(cutoffs: RetentionCutoffs): Promise<RetentionCounts> {
    return {
      webhookBodies: await this.inBatches(
        () => this.prisma.$executeRaw`
          UPDATE webhook_deliveries SET body = NULL, body_purged_at = ${cutoffs.now}
          WHERE id IN (
            SELECT id FROM webhook_deliveries
            WHERE status = 'succeeded' AND succeeded_at < ${cutoffs.webhookBodiesSucceededBefore} AND body IS NOT NULL
            LIMIT ${BATCH})`,
      ),
      webhookAttempts: await this.inBatches(
        () => this.prisma.$executeRaw`
          DELETE FROM webhook_attempts WHERE id IN (
            SELECT id FROM webhook_attempts
            WHERE started_at < ${cutoffs.webhookAttemptsStartedBefore} AND outcome <> 'in_flight'
            LIMIT ${BATCH})`,
      ),
      refreshTokens: await this.inBatches(
        () => this.prisma.$executeRaw`
          DELETE FROM admin_refresh_tokens WHERE id IN (
            SELECT id FROM admin_refresh_tokens
            WHERE expires_at < ${cutoffs.refreshTokensEndedBefore} OR revoked_at < ${cutoffs.refreshTokensEndedBefore}
            LIMIT ${BATCH})`,
      ),
      idempotencyRecords: await this.inBatches(
        () => this.prisma.$executeRaw`
          DELETE FROM idempotency_records WHERE id IN (
            SELECT id FROM idempotency_records WHERE expires_at < ${cutoffs.now} LIMIT ${BATCH})`,
      ),
      receivedMessageIds: await this.inBatches(
        () => this.prisma.$executeRaw`
          DELETE FROM received_messages WHERE (identity_id, message_id) IN (
            SELECT identity_id, message_id FROM received_messages
            WHERE sent_at < ${cutoffs.receivedIdsSentBefore} LIMIT ${BATCH})`,
      ),
    };
  }

  private async inBatches(statement: () => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const count = await statement();
      total += count;
      if (count < BATCH) return total;
    }
  }
}
