import type { TenantScope } from '@mailroom/persistence';
import {
  TenantSettingsRepository,
  type StoredTenantSettings,
  type TenantSettingsChange,
} from '../../modules/settings/settings.repository.js';
import type { Rollbackable } from './in-memory-table.js';

const EMPTY = {
  attachmentStore: null,
  attachmentMaxBytes: null,
  attachmentMaxFiles: null,
  rateLimitPerMinute: null,
  tenantRateLimitPerMinute: null,
};

export class InMemoryTenantSettingsRepository extends TenantSettingsRepository implements Rollbackable {
  readonly rows = new Map<string, StoredTenantSettings>();

  async find(scope: TenantScope): Promise<StoredTenantSettings | null> {
    return this.rows.get(scope.tenantId) ?? null;
  }

  async save(scope: TenantScope, change: TenantSettingsChange): Promise<void> {
    const defined = Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined));
    this.rows.set(scope.tenantId, { ...EMPTY, ...this.rows.get(scope.tenantId), ...defined, updatedAt: new Date() });
  }

  snapshot(): () => void {
    const saved = new Map(this.rows);
    return () => {
      this.rows.clear();
      for (const [id, row] of saved) this.rows.set(id, row);
    };
  }
}
