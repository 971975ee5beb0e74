import { Injectable } from '@nestjs/common';
import { Prisma, PrismaClient, type TenantScope } from '@mailroom/persistence';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import type { MailroomEvent } from '../events/mailroom-event.js';
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

/**
 * The event pipeline's entry point for webhooks: one delivery row per enabled endpoint of the tenant that subscribes
 * to the event's type, plus the rows of the other targets; (endpoint, event id) is unique, so writing a replayed event
 * again is a no-op. `insertDeliveries` is one INSERT that the realtime pipeline embeds in the statement that also
 * advances its cursor ("cursor moved" and "deliveries exist" are one atomic fact, one round trip); `enqueue` runs it
 * alone or inside a caller's transaction. The dispatcher is woken once the rows are committed.
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

  /**
   * INSERT … RETURNING endpoint_id of every delivery the events create (none for a replay). Each batch's events must
   * belong to its scope's tenant; batches of several tenants share the statement, each event matched only against
   * its own tenant's endpoints.
   */
  insertDeliveries(batches: readonly { scope: TenantScope; events: readonly MailroomEvent[] }[]): Prisma.Sql {
    for (const { scope, events } of batches) {
      for (const event of events) {
        if (event.tenantId !== scope.tenantId) throw new DomainError(ErrorCode.Internal, `event ${event.id} belongs to another tenant`);
      }
    }
    const events = batches.flatMap((b) => b.events);
    const webhooks = Prisma.sql`
      SELECT e.tenant_id, e.id AS endpoint_id, ev.id AS event_id, ev.type AS event_type, ev.body
      FROM unnest(
        ${events.map((e) => e.id)}::text[], ${events.map((e) => e.tenantId)}::uuid[], ${events.map((e) => e.type)}::text[], ${events.map(webhookBody)}::text[]
      ) AS ev(id, tenant_id, type, body)
      JOIN webhook_endpoints e ON e.tenant_id = ev.tenant_id AND e.enabled AND ev.type = ANY (e.events)`;
    const others = this.#targets.map((t) => t.deliveryRows(events)).filter((sql): sql is Prisma.Sql => sql !== undefined);
    return Prisma.sql`
      INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, event_id, event_type, body, next_attempt_at, window_started_at, created_at)
      SELECT gen_random_uuid(), r.tenant_id, r.endpoint_id, r.event_id, r.event_type, r.body, now(), now(), now()
      FROM (${Prisma.join([webhooks, ...others], ' UNION ALL ')}) AS r
      ON CONFLICT (endpoint_id, event_id) DO NOTHING
      RETURNING endpoint_id`;
  }

  /** Returns how many delivery rows were created (0 for a replay or when no endpoint wants the event). */
  async enqueue(scope: TenantScope, events: MailroomEvent | readonly MailroomEvent[], db: Db = this.prisma): Promise<number> {
    const list = Array.isArray(events) ? (events as readonly MailroomEvent[]) : [events as MailroomEvent];
    if (list.length === 0) return 0;
    const created = (await db.$queryRaw<unknown[]>(this.insertDeliveries([{ scope, events: list }]))).length;
    if (created > 0) {
      if (db === this.prisma) this.committed();
      else this.wakeup.afterCommitSoon();
    }
    return created;
  }

  /** Deliveries written by `insertDeliveries` in a statement of the caller's are committed: dispatch them now. */
  committed(): void {
    this.wakeup.committed();
  }
}
