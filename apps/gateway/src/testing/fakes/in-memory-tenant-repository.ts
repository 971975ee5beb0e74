import { randomUUID } from 'node:crypto';
import type { Tenant, TenantScope } from '@mailroom/persistence';
import { TenantRepository } from '../../modules/tenants/tenant.repository.js';
import type { Rollbackable } from './in-memory-table.js';

export class InMemoryTenantRepository extends TenantRepository implements Rollbackable {
  readonly rows = new Map<string, Tenant>();

  async create(name: string): Promise<Tenant> {
    const now = new Date();
    const tenant = { id: randomUUID(), name, createdAt: now, updatedAt: now };
    this.rows.set(tenant.id, tenant);
    return tenant;
  }

  async find(scope: TenantScope): Promise<Tenant | null> {
    return this.rows.get(scope.tenantId) ?? null;
  }

  snapshot(): () => void {
    const saved = new Map(this.rows);
    return () => {
      this.rows.clear();
      for (const [id, row] of saved) this.rows.set(id, row);
    };
  }
}
