import { Injectable } from '@nestjs/common';
import { PrismaClient, type ApiKeyScope } from '@mailroom/persistence';

export interface ApiKeyCredential {
  readonly id: string;
  readonly tenantId: string;
  readonly scopes: ApiKeyScope[];
  readonly revokedAt: Date | null;
  readonly lastUsedAt: Date | null;
}

/**
 * SYSTEM (cross-tenant): API keys found by the hash of the presented key, before any tenant is known (the key is what
 * tells the tenant), and the throttled record of their use.
 */
export abstract class ApiKeyLookupSystemRepository {
  abstract findByHash(hash: string): Promise<ApiKeyCredential | null>;
  /** Sets lastUsedAt to `at` unless it is already later than `notBefore` (several replicas write about once). */
  abstract recordUse(id: string, at: Date, notBefore: Date): Promise<void>;
}

@Injectable()
export class PrismaApiKeyLookupSystemRepository extends ApiKeyLookupSystemRepository {
  constructor(private readonly prisma: PrismaClient) {
    super();
  }

  findByHash(hash: string): Promise<ApiKeyCredential | null> {
    return this.prisma.apiKey.findUnique({
      where: { hash },
      select: { id: true, tenantId: true, scopes: true, revokedAt: true, lastUsedAt: true },
    });
  }

  async recordUse(id: string, at: Date, notBefore: Date): Promise<void> {
    await this.prisma.apiKey.updateMany({
      where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: notBefore } }] },
      data: { lastUsedAt: at },
    });
  }
}
