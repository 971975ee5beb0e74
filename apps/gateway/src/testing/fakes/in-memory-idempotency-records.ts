import { randomUUID } from 'node:crypto';
import type { TenantScope } from '@mailroom/persistence';
import { IdempotencyRecords, type IdempotencyRecordView, type StoredResponse } from '../../common/idempotency/index.js';

interface Row extends IdempotencyRecordView {
  readonly tenantId: string;
  readonly operation: string;
  readonly key: string;
}

/** IdempotencyRecords in a Map, for unit tests of the service and the operation pipeline. */
export class InMemoryIdempotencyRecords extends IdempotencyRecords {
  readonly rows = new Map<string, Row>();

  async insert(
    scope: TenantScope,
    record: { operation: string; key: string; requestHash: string; expiresAt: Date },
  ): Promise<string | null> {
    if (this.findRow(scope, record.operation, record.key)) return null;
    const id = randomUUID();
    this.rows.set(id, {
      id,
      tenantId: scope.tenantId,
      ...record,
      completed: false,
      response: null,
      createdAt: new Date(),
    });
    return id;
  }

  async find(scope: TenantScope, operation: string, key: string): Promise<IdempotencyRecordView | null> {
    return this.findRow(scope, operation, key) ?? null;
  }

  async takeOver(scope: TenantScope, id: string, seenCreatedAt: Date, now: Date): Promise<boolean> {
    const row = this.owned(scope, id);
    if (!row || row.completed || row.createdAt.getTime() !== seenCreatedAt.getTime()) return false;
    this.rows.set(id, { ...row, createdAt: now });
    return true;
  }

  async complete(scope: TenantScope, id: string, response: StoredResponse): Promise<void> {
    const row = this.owned(scope, id);
    if (row) this.rows.set(id, { ...row, completed: true, response });
  }

  async remove(scope: TenantScope, id: string, onlyIfExpiresAt?: Date): Promise<void> {
    const row = this.owned(scope, id);
    if (row && (!onlyIfExpiresAt || row.expiresAt.getTime() === onlyIfExpiresAt.getTime())) this.rows.delete(id);
  }

  async purgeExpired(now: Date): Promise<number> {
    const expired = [...this.rows.values()].filter((row) => row.expiresAt < now);
    for (const row of expired) this.rows.delete(row.id);
    return expired.length;
  }

  private owned(scope: TenantScope, id: string): Row | undefined {
    const row = this.rows.get(id);
    return row?.tenantId === scope.tenantId ? row : undefined;
  }

  private findRow(scope: TenantScope, operation: string, key: string): Row | undefined {
    return [...this.rows.values()].find(
      (row) => row.tenantId === scope.tenantId && row.operation === operation && row.key === key,
    );
  }
}
