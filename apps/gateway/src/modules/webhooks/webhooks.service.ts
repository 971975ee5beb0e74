import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { TenantScope } from '@mailroom/persistence';
import type { Principal } from '../../common/auth/index.js';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { OutboundPolicy, checkedRegistrationUrl } from '../../common/outbound/index.js';
import { AuditService } from '../audit/audit.service.js';
import { UnitOfWork } from '../../data/index.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage } from '../audit/page-cursor.js';
import type { MailroomEventType } from '../events/mailroom-event.js';
import { WebhookSecrets } from './webhook-secrets.js';
import { WebhookWakeup } from './webhook-wakeup.js';
import {
  WebhookRepository,
  type DeliveryStatus,
  type WebhookDeliveryRow,
  type WebhookEndpointChange,
  type WebhookEndpointRow,
} from './webhook.repository.js';

type EndpointRow = WebhookEndpointRow;
type DeliveryRow = WebhookDeliveryRow;

export interface WebhookView {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  disabledReason: string | null;
  disabledAt: string | null;
  consecutiveFailures: number;
  createdAt: string;
  updatedAt: string;
}

export interface DeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  lastDurationMs: number | null;
  succeededAt: string | null;
  createdAt: string;
  /** The JSON body exactly as sent; null once the retention sweep purged it (see bodyPurgedAt). */
  body: string | null;
  bodyPurgedAt: string | null;
  attemptLog: {
    number: number;
    outcome: string;
    startedAt: string;
    finishedAt: string | null;
    statusCode: number | null;
    error: string | null;
    durationMs: number | null;
    requestHeaders: Record<string, string> | null;
    responseBody: string | null;
  }[];
}

type Page<T> = { items: T[]; nextCursor: string | null };

const notFound = () => new DomainError(ErrorCode.NotFound, 'Webhook not found.');

/** Tenant-facing management of webhook endpoints and their delivery log. */
/** Operator limits on what one tenant may register (WEBHOOK_MAX_ENDPOINTS_PER_TENANT). */
export interface WebhookLimits {
  readonly maxEndpointsPerTenant: number;
}
export const WEBHOOK_LIMITS = Symbol('WEBHOOK_LIMITS');
export const DEFAULT_WEBHOOK_LIMITS: WebhookLimits = { maxEndpointsPerTenant: 50 };

@Injectable()
export class WebhooksService {
  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly audit: AuditService,
    private readonly secrets: WebhookSecrets,
    private readonly policy: OutboundPolicy,
    private readonly wakeup: WebhookWakeup,
    @Optional() @Inject(WEBHOOK_LIMITS) private readonly limits: WebhookLimits = DEFAULT_WEBHOOK_LIMITS,
  ) {}

  async create(
    scope: TenantScope,
    actor: Principal,
    input: { url: string; events: MailroomEventType[] },
  ): Promise<WebhookView & { secret: string }> {
    const url = await checkedRegistrationUrl(this.policy, input.url);
    const id = randomUUID();
    const secret = this.secrets.generate();
    const sealed = this.secrets.seal(id, secret);
    const row = await this.unitOfWork.run(async (tx) => {
      if ((await this.webhooks.count(scope, tx)) >= this.limits.maxEndpointsPerTenant) {
        throw new DomainError(
          ErrorCode.Conflict,
          `A tenant has at most ${this.limits.maxEndpointsPerTenant} webhook endpoints; delete one first.`,
          {
            limit: 'webhook_endpoints',
          },
        );
      }
      const created = await this.webhooks.create(scope, { id, url, events: [...new Set(input.events)], ...sealed }, tx);
      await this.audit.record(
        scope,
        {
          actor,
          action: 'webhook.created',
          targetType: 'webhook',
          targetId: id,
          metadata: { url, events: created.events.join(',') },
        },
        tx,
      );
      return created;
    });
    return { ...toView(row), secret };
  }

  async list(scope: TenantScope, page: { limit?: number; cursor?: string }): Promise<Page<WebhookView>> {
    const limit = page.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.webhooks.list(scope, {
      after: page.cursor ? decodeCursor(page.cursor) : undefined,
      take: limit + 1,
    });
    return toPage(rows, limit, toView);
  }

  async get(scope: TenantScope, id: string): Promise<WebhookView> {
    return toView(await this.find(scope, id));
  }

  async update(
    scope: TenantScope,
    actor: Principal,
    id: string,
    input: { url?: string; events?: MailroomEventType[]; enabled?: boolean },
  ): Promise<WebhookView> {
    const url = input.url === undefined ? undefined : await checkedRegistrationUrl(this.policy, input.url);
    const row = await this.unitOfWork.run(async (tx) => {
      const current = await this.webhooks.find(scope, id, tx);
      if (!current) throw notFound();
      const data: WebhookEndpointChange = {};
      if (url !== undefined) data.url = url;
      if (input.events) data.events = [...new Set(input.events)];
      if (input.enabled === true && !current.enabled)
        Object.assign(data, { enabled: true, disabledReason: null, disabledAt: null, consecutiveFailures: 0 });
      if (input.enabled === false && current.enabled)
        Object.assign(data, { enabled: false, disabledReason: 'manual', disabledAt: new Date() });
      const updated = await this.webhooks.update(scope, id, data, tx);
      if (!updated) throw notFound();
      const changed = Object.keys(data).filter(
        (k) => !['disabledReason', 'disabledAt', 'consecutiveFailures'].includes(k),
      );
      if (changed.length > 0) {
        await this.audit.record(
          scope,
          {
            actor,
            action: 'webhook.updated',
            targetType: 'webhook',
            targetId: id,
            metadata: { changed: changed.join(','), url: updated.url, enabled: updated.enabled },
          },
          tx,
        );
      }
      return updated;
    });
    if (row.enabled) this.wakeup.afterCommitSoon();
    return toView(row);
  }

  async remove(scope: TenantScope, actor: Principal, id: string): Promise<void> {
    await this.unitOfWork.run(async (tx) => {
      if (!(await this.webhooks.remove(scope, id, tx))) throw notFound();
      await this.audit.record(scope, { actor, action: 'webhook.deleted', targetType: 'webhook', targetId: id }, tx);
    });
  }

  /** The old secret keeps signing beside the new one for WEBHOOK_SECRET_OVERLAP_SECONDS (an older previous one stops). */
  async rotateSecret(
    scope: TenantScope,
    actor: Principal,
    id: string,
  ): Promise<{ id: string; secret: string; previousSecretExpiresAt: string | null }> {
    const { secret, sealed } = this.secrets.rotate(id, await this.find(scope, id));
    await this.unitOfWork.run(async (tx) => {
      if (!(await this.webhooks.update(scope, id, sealed, tx))) throw notFound();
      await this.audit.record(
        scope,
        { actor, action: 'webhook.secret_rotated', targetType: 'webhook', targetId: id },
        tx,
      );
    });
    return { id, secret, previousSecretExpiresAt: iso(sealed.previousSecretUntil) };
  }

  /** Newest first, each with its attempt log. */
  async deliveries(
    scope: TenantScope,
    id: string,
    page: { limit?: number; cursor?: string; status?: DeliveryStatus },
  ): Promise<Page<DeliveryView>> {
    await this.find(scope, id);
    const limit = page.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.webhooks.listDeliveries(scope, id, {
      status: page.status,
      after: page.cursor ? decodeCursor(page.cursor) : undefined,
      take: limit + 1,
    });
    return toPage(rows, limit, toDeliveryView);
  }

  async delivery(scope: TenantScope, id: string, deliveryId: string): Promise<DeliveryView> {
    await this.find(scope, id);
    const row = await this.webhooks.findDelivery(scope, id, deliveryId);
    if (!row) throw new DomainError(ErrorCode.NotFound, 'Delivery not found.');
    return toDeliveryView(row);
  }

  /**
   * Makes a failed (or waiting) delivery due now with a fresh retry window. A delivery that succeeded is never sent
   * again, and one in flight is left to finish: both answer 409.
   */
  async retryDelivery(scope: TenantScope, actor: Principal, id: string, deliveryId: string): Promise<DeliveryView> {
    const endpoint = await this.find(scope, id);
    const row = await this.unitOfWork.run(async (tx) => {
      const current = await this.webhooks.findDelivery(scope, id, deliveryId, tx);
      if (!current) throw new DomainError(ErrorCode.NotFound, 'Delivery not found.');
      if (current.status === 'succeeded')
        throw new DomainError(ErrorCode.Conflict, 'This delivery already succeeded; it is never sent twice.');
      if (current.status === 'sending')
        throw new DomainError(ErrorCode.Conflict, 'An attempt of this delivery is in flight.');
      if (!endpoint.enabled)
        throw new DomainError(
          ErrorCode.Conflict,
          'The webhook is disabled; enable it (PATCH enabled: true) before retrying.',
        );
      const now = new Date();
      if (!(await this.webhooks.requeueDelivery(scope, id, deliveryId, now, tx)))
        throw new DomainError(ErrorCode.Conflict, 'The delivery changed state; read it again.');
      await this.audit.record(
        scope,
        {
          actor,
          action: 'webhook.delivery_retried',
          targetType: 'webhook_delivery',
          targetId: deliveryId,
          metadata: { webhookId: id, eventId: current.eventId },
        },
        tx,
      );
      return (await this.webhooks.findDelivery(scope, id, deliveryId, tx))!;
    });
    this.wakeup.afterCommitSoon();
    return toDeliveryView(row);
  }

  private async find(scope: TenantScope, id: string): Promise<EndpointRow> {
    const row = await this.webhooks.find(scope, id);
    if (!row) throw notFound();
    return row;
  }
}

function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

function toView(row: EndpointRow): WebhookView {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    disabledAt: iso(row.disabledAt),
    consecutiveFailures: row.consecutiveFailures,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function toDeliveryView(row: DeliveryRow): DeliveryView {
  return {
    id: row.id,
    eventId: row.eventId,
    eventType: row.eventType,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? iso(row.nextAttemptAt) : null,
    lastAttemptAt: iso(row.lastAttemptAt),
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    lastDurationMs: row.lastDurationMs,
    succeededAt: iso(row.succeededAt),
    createdAt: row.createdAt.toISOString(),
    body: row.body ?? null,
    bodyPurgedAt: iso(row.bodyPurgedAt),
    attemptLog: row.attemptLog.map((a) => ({
      number: a.number,
      outcome: a.outcome,
      startedAt: a.startedAt.toISOString(),
      finishedAt: iso(a.finishedAt),
      statusCode: a.statusCode,
      error: a.error,
      durationMs: a.durationMs,
      requestHeaders: (a.requestHeaders as Record<string, string> | null) ?? null,
      responseBody: a.responseBody ?? null,
    })),
  };
}
