import { randomUUID } from 'node:crypto';
import type { AuditLog, TenantScope } from '@mailroom/persistence';
import { AuditRepository, type AuditRow } from '../../modules/audit/audit.repository.js';
import type { PagePosition } from '../../modules/audit/page-cursor.js';
import { InMemoryTable } from './in-memory-table.js';

export class InMemoryAuditRepository extends AuditRepository {
  readonly table = new InMemoryTable<AuditLog>();
  /** Makes the next append throw, to test that the change it describes rolls back with it. */
  failNextAppend = false;

  async append(scope: TenantScope, row: AuditRow): Promise<void> {
    if (this.failNextAppend) {
      this.failNextAppend = false;
      throw new Error('audit write failed');
    }
    this.table.put({ ...row, id: randomUUID(), tenantId: scope.tenantId, createdAt: new Date() } as AuditLog);
  }

  async exists(
    scope: TenantScope,
    query: { action: string; targetId: string; metadata: Record<string, string | number | boolean> },
  ): Promise<boolean> {
    return this.table.all(scope).some((row) => {
      const metadata = (row.metadata ?? {}) as Record<string, unknown>;
      return (
        row.action === query.action &&
        row.targetId === query.targetId &&
        Object.entries(query.metadata).every(([k, v]) => metadata[k] === v)
      );
    });
  }

  async list(scope: TenantScope, page: { after?: PagePosition; take: number }): Promise<AuditLog[]> {
    return this.table.page(scope, page);
  }

  actions(scope: TenantScope): string[] {
    return this.table.all(scope).map((row) => row.action);
  }
}
