import { Injectable } from '@nestjs/common';
import { Prisma, PrismaClient, scopedWhere, type TenantScope } from '@mailroom/persistence';
import { clientFor, type Transaction } from '../../data/index.js';
import { afterPosition, type PagePosition } from '../audit/page-cursor.js';

export type WebhookEndpointRow = Prisma.WebhookEndpointModel;
export type WebhookDeliveryRow = Prisma.WebhookDeliveryModel & { attemptLog: Prisma.WebhookAttemptModel[] };
export type DeliveryStatus = WebhookDeliveryRow['status'];

export type NewWebhookEndpoint = Pick<WebhookEndpointRow, 'id' | 'url' | 'events' | 'wrappedDataKey' | 'sealedSecret'>;

export type WebhookEndpointChange = Partial<
  Pick<
    WebhookEndpointRow,
    | 'url'
    | 'events'
    | 'enabled'
    | 'disabledReason'
    | 'disabledAt'
    | 'consecutiveFailures'
    | 'wrappedDataKey'
    | 'sealedSecret'
    | 'previousSealedSecret'
    | 'previousSecretUntil'
  >
>;

/**
 * A tenant's webhook endpoints and their delivery log, as managed through the API. Claiming and recording deliveries
 * (the dispatch path) is not here: see WebhookOutbox and DeliveryStore. Push endpoints (modules/push) are endpoint rows
 * too but are managed under their identity: no method here finds, changes or removes one.
 */
export abstract class WebhookRepository {
  abstract create(scope: TenantScope, endpoint: NewWebhookEndpoint, tx?: Transaction): Promise<WebhookEndpointRow>;
  abstract find(scope: TenantScope, id: string, tx?: Transaction): Promise<WebhookEndpointRow | null>;
  /** Newest first. */
  abstract list(scope: TenantScope, page: { after?: PagePosition; take: number }): Promise<WebhookEndpointRow[]>;
  /** Webhook endpoints of the tenant. */
  abstract count(scope: TenantScope, tx?: Transaction): Promise<number>;
  /** Null when there is no such endpoint. */
  abstract update(
    scope: TenantScope,
    id: string,
    change: WebhookEndpointChange,
    tx?: Transaction,
  ): Promise<WebhookEndpointRow | null>;
  /** False when there was no such endpoint. */
  abstract remove(scope: TenantScope, id: string, tx?: Transaction): Promise<boolean>;
  /** Newest first, each with its attempts in order. */
  abstract listDeliveries(
    scope: TenantScope,
    endpointId: string,
    page: { status?: DeliveryStatus; after?: PagePosition; take: number },
  ): Promise<WebhookDeliveryRow[]>;
  abstract findDelivery(
    scope: TenantScope,
    endpointId: string,
    deliveryId: string,
    tx?: Transaction,
  ): Promise<WebhookDeliveryRow | null>;
  /** Makes a pending or failed delivery due at `now` with a fresh retry window; false when it was in neither state. */
  abstract requeueDelivery(
    scope: TenantScope,
    endpointId: string,
    deliveryId: string,
    now: Date,
    tx?: Transaction,
  ): Promise<boolean>;
  /** Queues one event for one endpoint, due at once (the dispatcher sends it like any other); returns its id. */
  abstract queueDelivery(
    scope: TenantScope,
    endpointId: string,
    event: { eventId: string; eventType: string; body: string },
  ): Promise<string>;
}

const withAttempts = { attemptLog: { orderBy: { number: 'asc' } } } satisfies Prisma.WebhookDeliveryInclude;

/** Leaves out the endpoint rows that back a push endpoint. */
const notPush = { pushEndpoint: { is: null } } satisfies Prisma.WebhookEndpointWhereInput;

@Injectable()
export class PrismaWebhookRepository extends WebhookRepository {
  constructor(private readonly prisma: PrismaClient) {
    super();
  }

  create(scope: TenantScope, endpoint: NewWebhookEndpoint, tx?: Transaction): Promise<WebhookEndpointRow> {
    return clientFor(this.prisma, tx).webhookEndpoint.create({ data: { ...endpoint, tenantId: scope.tenantId } });
  }

  find(scope: TenantScope, id: string, tx?: Transaction): Promise<WebhookEndpointRow | null> {
    return clientFor(this.prisma, tx).webhookEndpoint.findFirst({
      where: scopedWhere<Prisma.WebhookEndpointWhereInput>(scope, { id, ...notPush }),
    });
  }

  list(scope: TenantScope, page: { after?: PagePosition; take: number }): Promise<WebhookEndpointRow[]> {
    return this.prisma.webhookEndpoint.findMany({
      where: scopedWhere<Prisma.WebhookEndpointWhereInput>(scope, {
        ...afterPosition(page.after),
        ...notPush,
      }),
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: page.take,
    });
  }

  count(scope: TenantScope, tx?: Transaction): Promise<number> {
    return clientFor(this.prisma, tx).webhookEndpoint.count({
      where: scopedWhere<Prisma.WebhookEndpointWhereInput>(scope, notPush),
    });
  }

  async update(
    scope: TenantScope,
    id: string,
    change: WebhookEndpointChange,
    tx?: Transaction,
  ): Promise<WebhookEndpointRow | null> {
    const db = clientFor(this.prisma, tx);
    const { count } = await db.webhookEndpoint.updateMany({
      where: scopedWhere<Prisma.WebhookEndpointWhereInput>(scope, { id, ...notPush }),
      data: change,
    });
    return count === 0 ? null : this.find(scope, id, tx);
  }

  async remove(scope: TenantScope, id: string, tx?: Transaction): Promise<boolean> {
    const { count } = await clientFor(this.prisma, tx).webhookEndpoint.deleteMany({
      where: scopedWhere<Prisma.WebhookEndpointWhereInput>(scope, { id, ...notPush }),
    });
    return count > 0;
  }

  listDeliveries(
    scope: TenantScope,
    endpointId: string,
    page: { status?: DeliveryStatus; after?: PagePosition; take: number },
  ): Promise<WebhookDeliveryRow[]> {
    return this.prisma.webhookDelivery.findMany({
      where: scopedWhere<Prisma.WebhookDeliveryWhereInput>(scope, {
        endpointId,
        ...(page.status ? { status: page.status } : {}),
        ...afterPosition(page.after),
      }),
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: page.take,
      include: withAttempts,
    });
  }

  findDelivery(
    scope: TenantScope,
    endpointId: string,
    deliveryId: string,
    tx?: Transaction,
  ): Promise<WebhookDeliveryRow | null> {
    return clientFor(this.prisma, tx).webhookDelivery.findFirst({
      where: scopedWhere<Prisma.WebhookDeliveryWhereInput>(scope, { id: deliveryId, endpointId }),
      include: withAttempts,
    });
  }

  async requeueDelivery(
    scope: TenantScope,
    endpointId: string,
    deliveryId: string,
    now: Date,
    tx?: Transaction,
  ): Promise<boolean> {
    const { count } = await clientFor(this.prisma, tx).webhookDelivery.updateMany({
      where: scopedWhere<Prisma.WebhookDeliveryWhereInput>(scope, {
        id: deliveryId,
        endpointId,
        status: { in: ['pending', 'failed'] },
      }),
      data: { status: 'pending', nextAttemptAt: now, windowStartedAt: now },
    });
    return count > 0;
  }

  async queueDelivery(
    scope: TenantScope,
    endpointId: string,
    event: { eventId: string; eventType: string; body: string },
  ): Promise<string> {
    const { id } = await this.prisma.webhookDelivery.create({
      data: { ...event, tenantId: scope.tenantId, endpointId },
      select: { id: true },
    });
    return id;
  }
}
