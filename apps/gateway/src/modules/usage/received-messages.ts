import { Injectable, Logger } from '@nestjs/common';
import { Prisma, PrismaClient, type TenantScope } from '@mailroom/persistence';
import {
  GroupMessageKind,
  SortDirection,
  type XmtpConversation,
  type XmtpDecodedMessage,
  type XmtpSession,
} from '@mailroom/xmtp';
import { utcDay } from './usage-metrics.js';

/**
 * Received messages are counted when first seen if they were sent within this many days; their ids are kept as long
 * (plus a day, see receivedIdsPurgeBefore), so a message is never counted twice and old history is never counted.
 */
export const RECEIVED_COUNT_WINDOW_DAYS = 30;
const DAY_MS = 86_400_000;
/** A REST read re-reads this far behind the newest message it already counted (late syncs of a conversation). */
const REREAD_LOOKBACK_NS = 60_000_000_000n;
/** Conversations whose newest counted message is remembered in memory (a forgotten one is re-read, not recounted). */
const MAX_REMEMBERED_CONVERSATIONS = 50_000;

export interface ReceivedMessageRow {
  readonly tenantId: string;
  readonly identityId: string;
  readonly messageId: string;
  readonly sentAt: Date;
}

/** Messages sent before this are no longer counted. */
export function receivedCountFloor(now: Date = new Date()): Date {
  return new Date(now.getTime() - RECEIVED_COUNT_WINDOW_DAYS * DAY_MS);
}

/** Ids of messages sent before this can be forgotten (a day behind the count floor). */
export function receivedIdsPurgeBefore(now: Date = new Date()): Date {
  return new Date(now.getTime() - (RECEIVED_COUNT_WINDOW_DAYS + 1) * DAY_MS);
}

/**
 * Two CTEs for a WITH clause: record the ids (insert if absent) and add the newly recorded ones to each tenant's
 * messages.received of today. `received_ids` returns one row per newly counted message. Rows older than the window are
 * left out by the caller (countable()).
 */
export function countReceivedCtes(rows: readonly ReceivedMessageRow[], now: Date = new Date()): Prisma.Sql {
  return Prisma.sql`
    received_ids AS (
      INSERT INTO received_messages (identity_id, message_id, tenant_id, sent_at)
      SELECT DISTINCT ON (r.identity_id, r.message_id) r.identity_id, r.message_id, r.tenant_id, r.sent_at
      FROM unnest(
        ${rows.map((r) => r.identityId)}::uuid[],
        ${rows.map((r) => r.messageId)}::text[],
        ${rows.map((r) => r.tenantId)}::uuid[],
        ${rows.map((r) => r.sentAt.toISOString())}::text[]::timestamptz[]
      ) AS r(identity_id, message_id, tenant_id, sent_at)
      ORDER BY r.identity_id, r.message_id
      ON CONFLICT (identity_id, message_id) DO NOTHING
      RETURNING tenant_id
    ), received_counted AS (
      INSERT INTO usage_counters (tenant_id, day, metric, value, updated_at)
      SELECT tenant_id, ${utcDay(now)}::date, 'messages.received', count(*), now()
      FROM received_ids GROUP BY tenant_id
      ON CONFLICT (tenant_id, metric, day) DO UPDATE SET value = usage_counters.value + EXCLUDED.value, updated_at = now()
    )`;
}

/** Those of `rows` still inside the counting window. */
export function countable(rows: readonly ReceivedMessageRow[], now: Date = new Date()): ReceivedMessageRow[] {
  const floor = receivedCountFloor(now).getTime();
  return rows.filter((row) => row.sentAt.getTime() >= floor);
}

/** What a REST read found to count (see ReceivedMessageCounter.readSynced). */
export interface SyncedReceipts {
  readonly key: string;
  readonly newestNs: bigint;
  /** Received messages of the read that this process has not recorded yet. */
  readonly rows: readonly ReceivedMessageRow[];
  /** Ids of the read's received messages inside the next read's lookback (remembered once recorded). */
  readonly recentIds: readonly string[];
}

/** Per conversation of an identity: the newest message read, and the received ids recorded near it. */
interface ReadMark {
  readonly newestNs: bigint;
  readonly recentIds: ReadonlySet<string>;
}

const nsToDate = (ns: bigint) => new Date(Number(ns / 1_000_000n));

/**
 * Counts the messages an identity received that a REST read synced into its local database, so a tenant without
 * webhooks or subscribers (no event pipeline) still sees them in messages.received. The event pipeline counts in its
 * own commit statement; both record the message id first, so whichever sees a message first counts it.
 */
@Injectable()
export class ReceivedMessageCounter {
  private readonly logger = new Logger('ReceivedMessages');
  /**
   * identityId|conversationId → the newest message read (the next read starts shortly before it) and the received ids
   * recorded in that lookback, so polling a conversation does not write those again.
   */
  private readonly marks = new Map<string, ReadMark>();

  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Call right after the conversation was synced, with the identity's client (inside its lease): reads the
   * conversation's application messages since the last read (or the counting window) and keeps those sent by others.
   * Pass the result to record() once the client is released.
   */
  async readSynced(
    scope: TenantScope,
    identityId: string,
    client: XmtpSession<unknown>,
    conversation: XmtpConversation<unknown>,
  ): Promise<SyncedReceipts | undefined> {
    const key = `${identityId}|${conversation.id}`;
    const windowFloorNs = BigInt(receivedCountFloor().getTime()) * 1_000_000n;
    const mark = this.marks.get(key);
    const floorNs = mark === undefined ? windowFloorNs : bigMax(windowFloorNs, mark.newestNs - REREAD_LOOKBACK_NS);
    let messages: XmtpDecodedMessage<unknown>[];
    try {
      messages = await conversation.messages({
        sentAfterNs: floorNs,
        direction: SortDirection.Ascending,
        kind: GroupMessageKind.Application,
      });
    } catch (error) {
      this.logger.warn({ err: error, identityId }, 'reading synced messages to count them failed');
      return undefined;
    }
    if (messages.length === 0) return undefined;
    const newestNs = messages.reduce((max, m) => bigMax(max, m.sentAtNs), floorNs);
    const received = messages.filter((m) => m.senderInboxId !== client.inboxId);
    return {
      key,
      newestNs,
      rows: received
        .filter((m) => !mark?.recentIds.has(m.id))
        .map((m) => ({ tenantId: scope.tenantId, identityId, messageId: m.id, sentAt: nsToDate(m.sentAtNs) })),
      recentIds: received.filter((m) => m.sentAtNs > newestNs - REREAD_LOOKBACK_NS).map((m) => m.id),
    };
  }

  /**
   * Records what readSynced found, in one statement (ids inserted if absent, counters bumped by the new ones).
   * Returns how many were newly counted; a failure is logged (not thrown) and the messages are read again next time.
   */
  async record(receipts: SyncedReceipts | undefined): Promise<number> {
    if (!receipts) return 0;
    const fresh = countable(receipts.rows);
    let counted = 0;
    if (fresh.length > 0) {
      try {
        const result = await this.prisma.$queryRaw<{ n: bigint }[]>`
          WITH ${countReceivedCtes(fresh)}
          SELECT count(*) AS n FROM received_ids`;
        counted = Number(result[0]?.n ?? 0);
      } catch (error) {
        this.logger.warn({ err: error, messages: fresh.length }, 'counting received messages failed');
        return 0;
      }
    }
    this.remember(receipts.key, { newestNs: receipts.newestNs, recentIds: new Set(receipts.recentIds) });
    return counted;
  }

  private remember(key: string, mark: ReadMark): void {
    this.marks.delete(key);
    this.marks.set(key, mark);
    if (this.marks.size > MAX_REMEMBERED_CONVERSATIONS) {
      const oldest = this.marks.keys().next().value;
      if (oldest !== undefined) this.marks.delete(oldest);
    }
  }
}

const bigMax = (a: bigint, b: bigint) => (a > b ? a : b);
