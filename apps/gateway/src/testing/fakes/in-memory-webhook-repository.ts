import { randomUUID } from 'node:crypto';
import type { TenantScope } from '@mailroom/persistence';
import type { PagePosition } from '../../modules/audit/page-cursor.js';
import {
  WebhookRepository,
  type DeliveryStatus,
  type NewWebhookEndpoint,
  type WebhookDeliveryRow,
  type WebhookEndpointChange,
  type WebhookEndpointRow,
} from '../../modules/webhooks/webhook.repository.js';
import { uniqueViolation } from './in-memory-api-key-repository.js';
import { InMemoryTable, type Rollbackable } from './in-memory-table.js';

export class InMemoryWebhookRepository extends WebhookRepository implements Rollbackable {
  readonly endpoints = new InMemoryTable<WebhookEndpointRow>();
  readonly deliveries = new InMemoryTable<WebhookDeliveryRow>();
  /** Endpoint rows that back a push endpoint (modules/push). */
  readonly pushEndpointIds = new Set<string>();

  async create(scope: TenantScope, endpoint: NewWebhookEndpoint): Promise<WebhookEndpointRow> {
    const now = new Date();
    return this.endpoints.put({
      ...endpoint,
      tenantId: scope.tenantId,
      enabled: true,
      disabledReason: null,
      disabledAt: null,
      consecutiveFailures: 0,
      createdAt: now,
      updatedAt: now,
    } as unknown as WebhookEndpointRow);
  }

  async find(scope: TenantScope, id: string): Promise<WebhookEndpointRow | null> {
    const row = this.endpoints.get(scope, id);
    return row && !this.pushEndpointIds.has(id) ? row : null;
  }

  async list(scope: TenantScope, page: { after?: PagePosition; take: number }): Promise<WebhookEndpointRow[]> {
    return this.endpoints
      .page(scope, { after: page.after, take: Number.MAX_SAFE_INTEGER })
      .filter((row) => !this.pushEndpointIds.has(row.id))
      .slice(0, page.take);
  }

  async count(scope: TenantScope): Promise<number> {
    return (await this.list(scope, { take: Number.MAX_SAFE_INTEGER })).length;
  }

  async update(scope: TenantScope, id: string, change: WebhookEndpointChange): Promise<WebhookEndpointRow | null> {
    const row = await this.find(scope, id);
    return row ? this.endpoints.put({ ...row, ...change, updatedAt: new Date() }) : null;
  }

  async remove(scope: TenantScope, id: string): Promise<boolean> {
    if (!(await this.find(scope, id))) return false;
    this.endpoints.rows.delete(id);
    for (const delivery of this.deliveries.all(scope).filter((d) => d.endpointId === id))
      this.deliveries.rows.delete(delivery.id);
    return true;
  }

  async listDeliveries(
    scope: TenantScope,
    endpointId: string,
    page: { status?: DeliveryStatus; after?: PagePosition; take: number },
  ): Promise<WebhookDeliveryRow[]> {
    return this.deliveries
      .page(scope, { after: page.after, take: Number.MAX_SAFE_INTEGER })
      .filter((row) => row.endpointId === endpointId && (!page.status || row.status === page.status))
      .slice(0, page.take);
  }

  async findDelivery(scope: TenantScope, endpointId: string, deliveryId: string): Promise<WebhookDeliveryRow | null> {
    const row = this.deliveries.get(scope, deliveryId);
    return row?.endpointId === endpointId ? row : null;
  }

  async requeueDelivery(scope: TenantScope, endpointId: string, deliveryId: string, now: Date): Promise<boolean> {
    const row = await this.findDelivery(scope, endpointId, deliveryId);
    if (!row || (row.status !== 'pending' && row.status !== 'failed')) return false;
    this.deliveries.put({ ...row, status: 'pending', nextAttemptAt: now, windowStartedAt: now });
    return true;
  }

  async queueDelivery(
    scope: TenantScope,
    endpointId: string,
    event: { eventId: string; eventType: string; body: string },
  ): Promise<string> {
    if (this.deliveries.all(scope).some((row) => row.endpointId === endpointId && row.eventId === event.eventId))
      throw uniqueViolation();
    const now = new Date();
    return this.deliveries.put({
      ...event,
      id: randomUUID(),
      tenantId: scope.tenantId,
      endpointId,
      bodyPurgedAt: null,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      windowStartedAt: now,
      leaseToken: null,
      leaseUntil: null,
      lastAttemptAt: null,
      lastStatusCode: null,
      lastError: null,
      lastDurationMs: null,
      succeededAt: null,
      createdAt: now,
      attemptLog: [],
    }).id;
  }

  /** Test setup: a delivery of `endpointId` in the given state (the dispatch path writes these in production). */
  addDelivery(scope: TenantScope, endpointId: string, status: DeliveryStatus): WebhookDeliveryRow {
    return this.deliveries.put({
      id: randomUUID(),
      tenantId: scope.tenantId,
      endpointId,
      eventId: randomUUID(),
      eventType: 'message.received',
      status,
      attempts: status === 'pending' ? 0 : 1,
      nextAttemptAt: null,
      windowStartedAt: new Date(),
      lastAttemptAt: null,
      lastStatusCode: null,
      lastError: null,
      lastDurationMs: null,
      succeededAt: status === 'succeeded' ? new Date() : null,
      createdAt: new Date(),
      attemptLog: [],
    } as unknown as WebhookDeliveryRow);
  }

  snapshot(): () => void {
    const restores = [this.endpoints.snapshot(), this.deliveries.snapshot()];
    return () => restores.forEach((restore) => restore());
  }
}
