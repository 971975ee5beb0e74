import { Injectable } from '@nestjs/common';
import { Prisma, PrismaClient, scopedWhere, type TenantScope } from '@mailroom/persistence';
import type { NewWebhookEndpoint } from '../webhooks/webhook.repository.js';

export type PushEndpointRow = Prisma.PushEndpointModel & { webhookEndpoint: Prisma.WebhookEndpointModel };
export type PushDeliveryRow = Prisma.WebhookDeliveryModel;

/**
 * An identity's push endpoint: a push_endpoints row over a webhook endpoint row (so signing, retries and the delivery
 * log are the webhooks'). Both rows are written together.
 */
export abstract class PushEndpointRepository {
  abstract find(scope: TenantScope, identityId: string): Promise<PushEndpointRow | null>;
  abstract create(
    scope: TenantScope,
    identityId: string,
    endpoint: NewWebhookEndpoint,
    includeContent: boolean,
  ): Promise<void>;
  /** Points the endpoint at `url`, re-enabled with its failure count cleared. */
  abstract replace(
    scope: TenantScope,
    existing: PushEndpointRow,
    change: { url: string; includeContent: boolean },
  ): Promise<void>;
  /** Removes the webhook endpoint row and, with it, the push endpoint. */
  abstract remove(scope: TenantScope, existing: PushEndpointRow): Promise<void>;
  /** Newest first. */
  abstract deliveries(scope: TenantScope, existing: PushEndpointRow, take: number): Promise<PushDeliveryRow[]>;
}

@Injectable()
export class PrismaPushEndpointRepository extends PushEndpointRepository {
  constructor(private readonly prisma: PrismaClient) {
    super();
  }

  find(scope: TenantScope, identityId: string): Promise<PushEndpointRow | null> {
    return this.prisma.pushEndpoint.findFirst({
      where: scopedWhere<Prisma.PushEndpointWhereInput>(scope, { identityId }),
      include: { webhookEndpoint: true },
    });
  }

  async create(
    scope: TenantScope,
    identityId: string,
    endpoint: NewWebhookEndpoint,
    includeContent: boolean,
  ): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.webhookEndpoint.create({ data: { ...endpoint, tenantId: scope.tenantId } }),
      this.prisma.pushEndpoint.create({
        data: { tenantId: scope.tenantId, identityId, webhookEndpointId: endpoint.id, includeContent },
      }),
    ]);
  }

  async replace(
    scope: TenantScope,
    existing: PushEndpointRow,
    change: { url: string; includeContent: boolean },
  ): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.webhookEndpoint.updateMany({
        where: scopedWhere<Prisma.WebhookEndpointWhereInput>(scope, { id: existing.webhookEndpointId }),
        data: { url: change.url, enabled: true, disabledReason: null, disabledAt: null, consecutiveFailures: 0 },
      }),
      this.prisma.pushEndpoint.updateMany({
        where: scopedWhere<Prisma.PushEndpointWhereInput>(scope, { id: existing.id }),
        data: { includeContent: change.includeContent },
      }),
    ]);
  }

  async remove(scope: TenantScope, existing: PushEndpointRow): Promise<void> {
    await this.prisma.webhookEndpoint.deleteMany({
      where: scopedWhere<Prisma.WebhookEndpointWhereInput>(scope, { id: existing.webhookEndpointId }),
    });
  }

  deliveries(scope: TenantScope, existing: PushEndpointRow, take: number): Promise<PushDeliveryRow[]> {
    return this.prisma.webhookDelivery.findMany({
      where: scopedWhere<Prisma.WebhookDeliveryWhereInput>(scope, { endpointId: existing.webhookEndpointId }),
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
    });
  }
}
