import { Injectable } from '@nestjs/common';
import {
  Prisma,
  PrismaClient,
  scopedWhere,
  type ApiKey,
  type ApiKeyScope,
  type TenantScope,
} from '@mailroom/persistence';
import { clientFor, type Transaction } from '../../data/index.js';
import { afterPosition, type PagePosition } from '../audit/page-cursor.js';

export interface NewApiKey {
  readonly name: string;
  readonly prefix: string;
  readonly hash: string;
  readonly scopes: ApiKeyScope[];
}

/** A tenant's API keys. Lookups by credential hash (authentication) are not here: they cross tenants. */
export abstract class ApiKeyRepository {
  /** Throws a unique violation (see `isUniqueViolation`) when the prefix is taken. */
  abstract create(scope: TenantScope, key: NewApiKey, tx?: Transaction): Promise<ApiKey>;
  abstract find(scope: TenantScope, id: string, tx?: Transaction): Promise<ApiKey | null>;
  /** Newest first (createdAt desc, id desc), revoked keys included. */
  abstract list(scope: TenantScope, page: { after?: PagePosition; take: number }): Promise<ApiKey[]>;
  /** Sets revokedAt on a key not yet revoked; false when there was none to revoke. */
  abstract revoke(scope: TenantScope, id: string, at: Date, tx?: Transaction): Promise<boolean>;
}

@Injectable()
export class PrismaApiKeyRepository extends ApiKeyRepository {
  constructor(private readonly prisma: PrismaClient) {
    super();
  }

  create(scope: TenantScope, key: NewApiKey, tx?: Transaction): Promise<ApiKey> {
    return clientFor(this.prisma, tx).apiKey.create({ data: { ...key, tenantId: scope.tenantId } });
  }

  find(scope: TenantScope, id: string, tx?: Transaction): Promise<ApiKey | null> {
    return clientFor(this.prisma, tx).apiKey.findFirst({ where: scopedWhere<Prisma.ApiKeyWhereInput>(scope, { id }) });
  }

  list(scope: TenantScope, page: { after?: PagePosition; take: number }): Promise<ApiKey[]> {
    return this.prisma.apiKey.findMany({
      where: scopedWhere<Prisma.ApiKeyWhereInput>(scope, afterPosition(page.after)),
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: page.take,
    });
  }

  async revoke(scope: TenantScope, id: string, at: Date, tx?: Transaction): Promise<boolean> {
    const { count } = await clientFor(this.prisma, tx).apiKey.updateMany({
      where: scopedWhere<Prisma.ApiKeyWhereInput>(scope, { id, revokedAt: null }),
      data: { revokedAt: at },
    });
    return count > 0;
  }
}
