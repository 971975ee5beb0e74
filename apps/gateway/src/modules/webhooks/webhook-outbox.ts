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

/** Another kind of delivery target fed from the same events in the same transaction (e.g. push endpoints). */
export interface OutboxTarget {
  enqueue(scope: TenantScope, events: readonly MailroomEvent[], db: Db): Promise<number>;
}

/**
 * The event pipeline's entry point for webhooks. `enqueue` writes one delivery row per enabled endpoint of the tenant
 * that subscribes to the event's type; (endpoint, event id) is unique, so enqueueing a replayed event again is a no-op.
 * Pass the transaction that advances the pipeline's cursor as `db` to make "cursor moved" and "deliveries exist"
 * one atomic fact; the dispatcher sends them after commit.
 */
@Injectable()
export class WebhookOutbox {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly wakeup: WebhookWakeup = new WebhookWakeup(),
  ) {}

  readonly #targets: OutboxTarget[] = [];

  /** Registers a target whose deliveries are written beside the webhooks' (same transaction, same dispatcher). */
  addTarget(target: OutboxTarget): void {
    this.#targets.push(target);
  }

  /** Returns how many delivery rows were created (0 for a replay or when no endpoint wants the event). */
  async enqueue(scope: TenantScope, events: MailroomEvent | readonly MailroomEvent[], db: Db = this.prisma): Promise<number> {
    const list = Array.isArray(events) ? (events as readonly MailroomEvent[]) : [events as MailroomEvent];
    if (list.length === 0) return 0;
    for (const event of list) {
      if (event.tenantId !== scope.tenantId) throw new DomainError(ErrorCode.Internal, `event ${event.id} belongs to another tenant`);
    }
    let created = await db.$executeRaw`
      INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, event_id, event_type, body, next_attempt_at, window_started_at, created_at)
      SELECT gen_random_uuid(), e.tenant_id, e.id, ev.id, ev.type, ev.body, now(), now(), now()
      FROM unnest(${list.map((e) => e.id)}::text[], ${list.map((e) => e.type)}::text[], ${list.map(webhookBody)}::text[]) AS ev(id, type, body)
      JOIN webhook_endpoints e ON e.tenant_id = ${scope.tenantId}::uuid AND e.enabled AND ev.type = ANY (e.events)
      ON CONFLICT (endpoint_id, event_id) DO NOTHING`;
    for (const target of this.#targets) created += await target.enqueue(scope, list, db);
    if (created > 0) this.wakeup.afterCommitSoon();
    return created;
  }
}
