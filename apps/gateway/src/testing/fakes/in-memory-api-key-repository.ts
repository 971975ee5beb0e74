import { randomUUID } from 'node:crypto';
import { Prisma, type ApiKey, type TenantScope } from '@mailroom/persistence';
import { ApiKeyRepository, type NewApiKey } from '../../modules/api-keys/api-key.repository.js';
import type { PagePosition } from '../../modules/audit/page-cursor.js';
import { InMemoryTable } from './in-memory-table.js';

/** A unique-constraint error shaped like Prisma's, so `isUniqueViolation` recognises it. */
export function uniqueViolation(): Error {
  return new Prisma.PrismaClientKnownRequestError('Unique constraint failed', { code: 'P2002', clientVersion: 'fake' });
}

export class InMemoryApiKeyRepository extends ApiKeyRepository {
  readonly table = new InMemoryTable<ApiKey>();

  async create(scope: TenantScope, key: NewApiKey): Promise<ApiKey> {
    if ([...this.table.rows.values()].some((row) => row.prefix === key.prefix)) throw uniqueViolation();
    return this.table.put({
      ...key,
      id: randomUUID(),
      tenantId: scope.tenantId,
      createdAt: new Date(),
      lastUsedAt: null,
      revokedAt: null,
    } as ApiKey);
  }

  async find(scope: TenantScope, id: string): Promise<ApiKey | null> {
    return this.table.get(scope, id) ?? null;
  }

  async list(scope: TenantScope, page: { after?: PagePosition; take: number }): Promise<ApiKey[]> {
    return this.table.page(scope, page);
  }

  async revoke(scope: TenantScope, id: string, at: Date): Promise<boolean> {
    const row = this.table.get(scope, id);
    if (!row || row.revokedAt) return false;
    this.table.put({ ...row, revokedAt: at });
    return true;
  }
}
