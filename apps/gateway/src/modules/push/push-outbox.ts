import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Prisma } from '@mailroom/persistence';
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
    ...(withContent
      ? { contentType: message.contentType, content: message.content ?? null, fallback: message.fallback ?? null }
      : {}),
  };
  return JSON.stringify({
    id: event.id,
    type: PUSH_EVENT_TYPE,
    createdAt: event.createdAt,
    tenantId: event.tenantId,
    identityId: event.identityId,
    data,
  });
}

/**
 * Feeds push endpoints from the realtime pipeline's events, in the statement that writes its webhook deliveries: one
 * delivery per received message that should push (the identity's own messages are `message.sent` and never push).
 * Deliveries are webhook outbox rows of the endpoint backing the push endpoint, so the webhook dispatcher signs,
 * retries and logs them.
 */
@Injectable()
export class PushOutbox implements OutboxTarget, OnModuleInit {
  constructor(private readonly outbox: WebhookOutbox) {}

  onModuleInit(): void {
    this.outbox.addTarget(this);
  }

  deliveryRows(events: readonly MailroomEvent[]): Prisma.Sql | undefined {
    const eligible = events.filter(
      (event) => event.type === 'message.received' && shouldPush((event.data as unknown as MessageData).contentType),
    );
    if (eligible.length === 0) return undefined;
    return Prisma.sql`
      SELECT e.tenant_id, e.id AS endpoint_id, ev.id AS event_id, ${PUSH_EVENT_TYPE}::text AS event_type,
             CASE WHEN p.include_content THEN ev.full_body ELSE ev.minimal_body END AS body
      FROM unnest(
        ${eligible.map((e) => e.id)}::text[],
        ${eligible.map((e) => e.tenantId)}::uuid[],
        ${eligible.map((e) => e.identityId)}::uuid[],
        ${eligible.map((e) => pushBody(e, false))}::text[],
        ${eligible.map((e) => pushBody(e, true))}::text[]
      ) AS ev(id, tenant_id, identity_id, minimal_body, full_body)
      JOIN push_endpoints p ON p.identity_id = ev.identity_id AND p.tenant_id = ev.tenant_id
      JOIN webhook_endpoints e ON e.id = p.webhook_endpoint_id AND e.enabled`;
  }
}
