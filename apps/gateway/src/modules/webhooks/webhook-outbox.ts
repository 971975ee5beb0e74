import { Injectable } from '@nestjs/common';
import { Prisma, PrismaClient, type TenantScope } from '@mailroom/persistence';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import type { MailroomEvent } from '../events/mailroom-event.js';
import {
  claimedDelivery,
  CLAIMED_ENDPOINT_COLUMNS,
  SUCCEEDED,
  successCtes,
  type ClaimedDelivery,
  type ClaimedRow,
} from './delivery-store.js';
import { WebhookWakeup } from './webhook-wakeup.js';

type Db = PrismaClient | Prisma.TransactionClient;

/** The JSON body every attempt of a delivery sends, byte for byte. */
export function webhookBody(event: MailroomEvent): string {
  const { id, type, createdAt, tenantId, identityId, data } = event;
  return JSON.stringify({ id, type, createdAt, tenantId, identityId, data });
}

/**
 * Another kind of delivery target fed from the same events in the same statement (e.g. push endpoints): a SELECT of
 * the delivery rows to write, as (tenant_id, endpoint_id, event_id, event_type, body), or undefined for none. The
 * events may be of several tenants (already checked against their scopes): match each within its own tenant.
 */
export interface OutboxTarget {
  deliveryRows(events: readonly MailroomEvent[]): Prisma.Sql | undefined;
}

/** A statement's share of writing deliveries: its CTEs, its final SELECT, and what to do once it ran. */
export interface DeliveryWrite {
  /** CTEs opening the statement's WITH list: `delivered` (the rows written) and `logged` (their first attempts). */
  readonly ctes: Prisma.Sql;
  /** The statement's final SELECT: `created` on every row, plus one row per delivery claimed at insert. */
  readonly select: Prisma.Sql;
  /** The statement committed and returned `rows`: dispatch what it claimed, wake the dispatcher for the rest. */
  committed(rows: readonly DeliveryWriteRow[]): void;
  /** The statement failed: nothing was written or claimed. */
  failed(): void;
}

export type DeliveryWriteRow = { created: number; settled: string[] | null } & ({ id: null } | ClaimedRow);

type Batches = readonly { scope: TenantScope; events: readonly MailroomEvent[] }[];

/**
 * The event pipeline's entry point for webhooks: one delivery row per enabled endpoint of the tenant that subscribes
 * to the event's type, plus the rows of the other targets; (endpoint, event id) is unique, so writing a replayed event
 * again is a no-op. `writeDeliveries` gives the realtime pipeline the part of its commit statement that writes them
 * ("cursor moved" and "deliveries exist" are one atomic fact, one round trip) and claims as many as this process's
 * dispatcher has free slots for, so those leave without a claim round trip; `enqueue` writes them alone or inside a
 * caller's transaction, for the dispatcher to claim.
 */
@Injectable()
export class WebhookOutbox {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly wakeup: WebhookWakeup = new WebhookWakeup(),
  ) {}

  readonly #targets: OutboxTarget[] = [];

  /** Registers a target whose deliveries are written beside the webhooks' (same statement, same dispatcher). */
  addTarget(target: OutboxTarget): void {
    this.#targets.push(target);
  }

  /** INSERT … RETURNING the delivery rows the events create (none for a replay); `claim` claims some at insert. */
  insertDeliveries(
    batches: Batches,
    claim?: { slots: number; perEndpoint: number; leaseMs: number; settling: readonly string[] },
  ): Prisma.Sql {
    for (const { scope, events } of batches) {
      for (const event of events) {
        if (event.tenantId !== scope.tenantId)
          throw new DomainError(ErrorCode.Internal, `event ${event.id} belongs to another tenant`);
      }
    }
    const events = batches.flatMap((b) => b.events);
    const webhooks = Prisma.sql`
      SELECT e.tenant_id, e.id AS endpoint_id, ev.id AS event_id, ev.type AS event_type, ev.body
      FROM unnest(
        ${events.map((e) => e.id)}::text[], ${events.map((e) => e.tenantId)}::uuid[], ${events.map((e) => e.type)}::text[], ${events.map(webhookBody)}::text[]
      ) AS ev(id, tenant_id, type, body)
      JOIN webhook_endpoints e ON e.tenant_id = ev.tenant_id AND e.enabled AND ev.type = ANY (e.events)`;
    const others = this.#targets
      .map((t) => t.deliveryRows(events))
      .filter((sql): sql is Prisma.Sql => sql !== undefined);
    const rows = Prisma.join([webhooks, ...others], ' UNION ALL ');
    // Claimed at insert: the first `slots` rows whose endpoint has room (its deliveries in flight anywhere, plus this
    // batch's earlier ones, under `perEndpoint`; those whose success this statement records are no longer in flight)
    // and no due backlog to queue behind.
    const take = claim
      ? Prisma.sql`(row_number() OVER (ORDER BY r.event_id, r.endpoint_id) <= ${claim.slots}
          AND row_number() OVER (PARTITION BY r.endpoint_id ORDER BY r.event_id) + (
            SELECT count(*) FROM webhook_deliveries s
            WHERE s.endpoint_id = r.endpoint_id AND s.status = 'sending' AND s.id <> ALL (${claim.settling}::uuid[])
          ) <= ${claim.perEndpoint}
          AND NOT EXISTS (
            SELECT 1 FROM webhook_deliveries p WHERE p.endpoint_id = r.endpoint_id AND p.status = 'pending' AND p.next_attempt_at <= now()
          ))`
      : Prisma.sql`false`;
    const leaseMs = claim?.leaseMs ?? 0;
    return Prisma.sql`
      INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, event_id, event_type, body, next_attempt_at, window_started_at, created_at,
                                      status, attempts, lease_token, lease_until, last_attempt_at)
      SELECT gen_random_uuid(), t.tenant_id, t.endpoint_id, t.event_id, t.event_type, t.body, now(), now(), now(),
             CASE WHEN t.take THEN 'sending' ELSE 'pending' END::webhook_delivery_status, CASE WHEN t.take THEN 1 ELSE 0 END,
             CASE WHEN t.take THEN gen_random_uuid() END, CASE WHEN t.take THEN now() + ${leaseMs} * interval '1 millisecond' END,
             CASE WHEN t.take THEN clock_timestamp() END
      FROM (SELECT r.*, ${take} AS take FROM (${rows}) AS r) AS t
      ON CONFLICT (endpoint_id, event_id) DO NOTHING
      RETURNING id, tenant_id, endpoint_id, event_id, body, attempts, lease_token, window_started_at, status`;
  }

  /**
   * The deliveries part of a commit statement. Reserves free slots of this process's dispatcher first; the rows
   * claimed at insert are handed to it when the statement committed, the reservation is given back either way.
   */
  writeDeliveries(batches: Batches): DeliveryWrite {
    const dispatch = this.wakeup.direct;
    // Successes of earlier deliveries ride along: recorded by this statement instead of one of their own.
    const ride = dispatch?.board();
    const slots = dispatch?.reserve() ?? 0;
    const settling = ride?.successes.map((s) => s.delivery.id) ?? [];
    const claim =
      dispatch && slots > 0
        ? { slots, perEndpoint: dispatch.perEndpoint, leaseMs: dispatch.leaseMs, settling }
        : undefined;
    let settled = false;
    const release = (claimed: readonly ClaimedDelivery[]) => {
      if (settled) return;
      settled = true;
      if (dispatch && slots > 0) dispatch.accept(claimed, slots);
    };
    return {
      ctes: Prisma.sql`delivered AS (${this.insertDeliveries(batches, claim)}),
        logged AS (
          INSERT INTO webhook_attempts (id, delivery_id, number, started_at)
          SELECT gen_random_uuid(), d.id, 1, clock_timestamp() FROM delivered d WHERE d.status = 'sending'
        )${ride ? Prisma.sql`, ${successCtes(ride.successes)}` : Prisma.empty}`,
      select: Prisma.sql`
        SELECT t.created, ${ride ? Prisma.sql`(SELECT coalesce(array_agg(id::text), '{}') FROM ${Prisma.raw(SUCCEEDED)})` : Prisma.sql`NULL::text[]`} AS settled, c.*
        FROM (SELECT count(*)::int AS created FROM delivered) AS t
        LEFT JOIN (
          SELECT d.id, d.tenant_id, d.endpoint_id, d.event_id, d.body, d.attempts, d.lease_token, d.window_started_at, ${CLAIMED_ENDPOINT_COLUMNS}
          FROM delivered d JOIN webhook_endpoints e ON e.id = d.endpoint_id
          WHERE d.status = 'sending'
        ) AS c ON true`,
      committed: (rows) => {
        ride?.landed(new Set(rows[0]?.settled ?? []));
        const claimed = rows.filter((r): r is DeliveryWriteRow & ClaimedRow => r.id !== null).map(claimedDelivery);
        release(claimed);
        if ((rows[0]?.created ?? 0) > claimed.length) this.committed();
      },
      failed: () => {
        ride?.missed();
        release([]);
      },
    };
  }

  /** Returns how many delivery rows were created (0 for a replay or when no endpoint wants the event). */
  async enqueue(
    scope: TenantScope,
    events: MailroomEvent | readonly MailroomEvent[],
    db: Db = this.prisma,
  ): Promise<number> {
    const list = Array.isArray(events) ? (events as readonly MailroomEvent[]) : [events as MailroomEvent];
    if (list.length === 0) return 0;
    const created = (await db.$queryRaw<unknown[]>(this.insertDeliveries([{ scope, events: list }]))).length;
    if (created > 0) {
      if (db === this.prisma) this.committed();
      else this.wakeup.afterCommitSoon();
    }
    return created;
  }

  /** Deliveries are committed for the dispatcher to claim: wake it (and the other replicas') now. */
  committed(): void {
    this.wakeup.committed();
  }
}
