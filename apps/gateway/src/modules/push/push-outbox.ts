import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Prisma, PrismaClient, type TenantScope } from '@mailroom/persistence';
import type { MailroomEvent } from '../events/mailroom-event.js';
import { WebhookOutbox, type OutboxTarget } from '../webhooks/webhook-outbox.js';
import { shouldPush, type ContentTypeRef } from './push-eligibility.js';

export const PUSH_EVENT_TYPE = 'push.notification';

interface MessageData {
  id: string;
  conversationId: string;
  senderInboxId: string;
  sentAt: string;
  contentType: ContentTypeRef & { versionMajor?: number; versionMinor?: number };
  content?: unknown;
  fallback?: string | null;
}

/** The notification body: ids only, or with the content when the tenant opted in. Same envelope as webhooks. */
export function pushBody(event: MailroomEvent, withContent: boolean): string {
  const message = event.data as unknown as MessageData;
  const data = {
    conversationId: message.conversationId,
    messageId: message.id,
    senderInboxId: message.senderInboxId,
    sentAt: message.sentAt,
    ...(withContent ? { contentType: message.contentType, content: message.content ?? null, fallback: message.fallback ?? null } : {}),
  };
  return JSON.stringify({ id: event.id, type: PUSH_EVENT_TYPE, createdAt: event.createdAt, tenantId: event.tenantId, identityId: event.identityId, data });
}

/**
 * Feeds push endpoints from the realtime pipeline's events, inside its transaction: one delivery per received message
 * that should push (the identity's own messages are `message.sent` and never push). Deliveries are webhook outbox rows
 * of the endpoint backing the push endpoint, so the webhook dispatcher signs, retries and logs them.
 */
@Injectable()
export class PushOutbox implements OutboxTarget, OnModuleInit {
  constructor(
    private readonly outbox: WebhookOutbox,
    private readonly prisma: PrismaClient,
  ) {}

  onModuleInit(): void {
    this.outbox.addTarget(this);
  }

  async enqueue(scope: TenantScope, events: readonly MailroomEvent[], db: PrismaClient | Prisma.TransactionClient = this.prisma): Promise<number> {
    const eligible = events.filter((event) => event.type === 'message.received' && shouldPush((event.data as unknown as MessageData).contentType));
    if (eligible.length === 0) return 0;
    return db.$executeRaw`
      INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, event_id, event_type, body, next_attempt_at, window_started_at, created_at)
      SELECT gen_random_uuid(), e.tenant_id, e.id, ev.id, ${PUSH_EVENT_TYPE}, CASE WHEN p.include_content THEN ev.full_body ELSE ev.minimal_body END, now(), now(), now()
      FROM unnest(
        ${eligible.map((e) => e.id)}::text[],
        ${eligible.map((e) => e.identityId)}::uuid[],
        ${eligible.map((e) => pushBody(e, false))}::text[],
        ${eligible.map((e) => pushBody(e, true))}::text[]
      ) AS ev(id, identity_id, minimal_body, full_body)
      JOIN push_endpoints p ON p.identity_id = ev.identity_id AND p.tenant_id = ${scope.tenantId}::uuid
      JOIN webhook_endpoints e ON e.id = p.webhook_endpoint_id AND e.enabled
      ON CONFLICT (endpoint_id, event_id) DO NOTHING`;
  }
}
