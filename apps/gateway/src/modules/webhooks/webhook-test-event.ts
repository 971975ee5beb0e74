import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@mailroom/persistence';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { WebhookRepository } from './webhook.repository.js';
import { WebhookWakeup } from './webhook-wakeup.js';
import { WebhooksService, type DeliveryView } from './webhooks.service.js';

/** Sent only on request (POST /v1/webhooks/:id/test), to one endpoint, whatever events it subscribes to. */
export const WEBHOOK_TEST_EVENT_TYPE = 'webhook.test';

/** Same envelope as every event (id, type, createdAt, tenantId, identityId, data); no identity is involved. */
export function webhookTestBody(eventId: string, tenantId: string, webhookId: string, now = new Date()): string {
  return JSON.stringify({
    id: eventId,
    type: WEBHOOK_TEST_EVENT_TYPE,
    createdAt: now.toISOString(),
    tenantId,
    identityId: null,
    data: { webhookId },
  });
}

/**
 * Queues a `webhook.test` delivery for one endpoint in the outbox, so it goes out like any other: signed, retried,
 * and listed in the delivery log.
 */
@Injectable()
export class WebhookTestEvents {
  constructor(
    private readonly repository: WebhookRepository,
    private readonly webhooks: WebhooksService,
    private readonly wakeup: WebhookWakeup,
  ) {}

  async send(scope: TenantScope, webhookId: string): Promise<DeliveryView> {
    const endpoint = await this.webhooks.get(scope, webhookId);
    if (!endpoint.enabled)
      throw new DomainError(
        ErrorCode.Conflict,
        'The webhook is disabled; enable it (PATCH enabled: true) before sending a test event.',
      );
    const eventId = `evt_test_${randomUUID()}`;
    const deliveryId = await this.repository.queueDelivery(scope, endpoint.id, {
      eventId,
      eventType: WEBHOOK_TEST_EVENT_TYPE,
      body: webhookTestBody(eventId, scope.tenantId, endpoint.id),
    });
    this.wakeup.committed();
    return this.webhooks.delivery(scope, webhookId, deliveryId);
  }
}
