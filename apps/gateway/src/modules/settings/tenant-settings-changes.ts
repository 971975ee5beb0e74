import type { EventBus } from '@mailroom/events';

/** Bus channel on which a replica announces that a tenant changed its settings, so every replica drops its copy. */
export const TENANT_SETTINGS_CHANGED = 'mailroom/tenant-settings/changed';

export interface TenantSettingsChanged {
  readonly tenantId: string;
}

/** Best effort: the change is saved either way; if the bus is down, copies expire within TENANT_LIMITS_TTL_MS. */
export async function announceSettingsChanged(bus: EventBus, tenantId: string): Promise<void> {
  await bus.publish<TenantSettingsChanged>(TENANT_SETTINGS_CHANGED, { tenantId }).catch(() => undefined);
}
