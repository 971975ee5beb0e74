import { Injectable } from '@nestjs/common';
import { IdentityStatus, PrismaClient, type Identity } from '@mailroom/persistence';

/**
 * SYSTEM (cross-tenant): what the stream supervisor and the webhook sweep read about every tenant's identities — which
 * active identities exist and whether their tenant has a webhook endpoint to stream them to.
 */
export abstract class RealtimeStreamsSystemRepository {
  /** The identity if it is active (and, given `tenantId`, in that tenant). */
  abstract activeIdentity(identityId: string, tenantId?: string): Promise<Identity | null>;
  abstract tenantHasEnabledWebhook(tenantId: string): Promise<boolean>;
  /** Active identities of tenants with an enabled webhook endpoint, by id ascending after `after`, at most `limit`. */
  abstract activeIdentitiesWithWebhooks(after: string | undefined, limit: number): Promise<Identity[]>;
}

@Injectable()
export class PrismaRealtimeStreamsSystemRepository extends RealtimeStreamsSystemRepository {
  constructor(private readonly prisma: PrismaClient) {
    super();
  }

  activeIdentity(identityId: string, tenantId?: string): Promise<Identity | null> {
    return this.prisma.identity.findFirst({
      where: { id: identityId, ...(tenantId ? { tenantId } : {}), status: IdentityStatus.active },
    });
  }

  async tenantHasEnabledWebhook(tenantId: string): Promise<boolean> {
    const endpoint = await this.prisma.webhookEndpoint.findFirst({
      where: { tenantId, enabled: true },
      select: { id: true },
    });
    return endpoint !== null;
  }

  activeIdentitiesWithWebhooks(after: string | undefined, limit: number): Promise<Identity[]> {
    return this.prisma.identity.findMany({
      where: {
        status: IdentityStatus.active,
        ...(after ? { id: { gt: after } } : {}),
        tenant: { webhookEndpoints: { some: { enabled: true } } },
      },
      orderBy: { id: 'asc' },
      take: limit,
    });
  }
}
