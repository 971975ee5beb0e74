import { Injectable } from '@nestjs/common';
import { PrismaClient, type TenantScope } from '@mailroom/persistence';
import { clientFor, type Transaction } from '../../data/index.js';

/** A tenant's own setting values; null where it keeps the operator's default. */
export interface StoredTenantSettings {
  readonly attachmentStore: string | null;
  readonly attachmentMaxBytes: number | null;
  readonly attachmentMaxFiles: number | null;
  readonly rateLimitPerMinute: number | null;
  readonly tenantRateLimitPerMinute: number | null;
  readonly updatedAt: Date;
}

export type TenantSettingsChange = Partial<Omit<StoredTenantSettings, 'updatedAt'>>;

/** The tenant's settings row (at most one per tenant). */
export abstract class TenantSettingsRepository {
  abstract find(scope: TenantScope): Promise<StoredTenantSettings | null>;
  /** Creates the row on first change; fields left out keep their value. */
  abstract save(scope: TenantScope, change: TenantSettingsChange, tx?: Transaction): Promise<void>;
}

@Injectable()
export class PrismaTenantSettingsRepository extends TenantSettingsRepository {
  constructor(private readonly prisma: PrismaClient) {
    super();
  }

  find(scope: TenantScope): Promise<StoredTenantSettings | null> {
    return this.prisma.tenantSettings.findUnique({ where: { tenantId: scope.tenantId } });
  }

  async save(scope: TenantScope, change: TenantSettingsChange, tx?: Transaction): Promise<void> {
    await clientFor(this.prisma, tx).tenantSettings.upsert({
      where: { tenantId: scope.tenantId },
      create: { ...change, tenantId: scope.tenantId },
      update: change,
    });
  }
}
