import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { EventBus } from '@mailroom/events';
import type { TenantScope } from '@mailroom/persistence';
import type { TenantRateLimits, TenantRateLimitSource } from '../../common/rate-limit/index.js';
import { EVENT_BUS } from '../../runtime.js';
import { TenantSettingsService } from './settings.service.js';
import { TENANT_SETTINGS_CHANGED, type TenantSettingsChanged } from './tenant-settings-changes.js';

/** A change reaches other replicas through the bus at once; this bounds how stale a copy gets if the bus drops it. */
export const TENANT_LIMITS_TTL_MS = 30_000;
const MAX_TENANTS_CACHED = 50_000;

/**
 * The request limits each tenant set for itself, kept in process so the per-request budget check costs no database
 * round trip. A settings change anywhere evicts every replica's copy through the event bus.
 */
@Injectable()
export class CachedTenantRateLimits implements TenantRateLimitSource, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('TenantRateLimits');
  private readonly cache = new Map<string, { limits: Promise<TenantRateLimits>; until: number }>();
  private unsubscribe?: () => Promise<void>;

  constructor(
    private readonly settings: TenantSettingsService,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
  ) {}

  async onModuleInit(): Promise<void> {
    this.unsubscribe = await this.bus.subscribe<TenantSettingsChanged>(TENANT_SETTINGS_CHANGED, ({ tenantId }) =>
      this.cache.delete(tenantId),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.unsubscribe?.().catch((error: unknown) =>
      this.logger.warn({ err: error }, 'could not unsubscribe from settings changes'),
    );
  }

  limitsOf(scope: TenantScope): Promise<TenantRateLimits> {
    const now = Date.now();
    const cached = this.cache.get(scope.tenantId);
    if (cached && cached.until > now) return cached.limits;
    const limits = this.load(scope);
    if (this.cache.size >= MAX_TENANTS_CACHED) this.cache.clear();
    this.cache.set(scope.tenantId, { limits, until: now + TENANT_LIMITS_TTL_MS });
    limits.catch(() => this.cache.delete(scope.tenantId));
    return limits;
  }

  private async load(scope: TenantScope): Promise<TenantRateLimits> {
    const { rateLimits } = await this.settings.get(scope);
    return {
      perCredentialPerMinute: rateLimits.perCredentialPerMinute.custom ? rateLimits.perCredentialPerMinute.value : null,
      perTenantPerMinute: rateLimits.perTenantPerMinute.custom ? rateLimits.perTenantPerMinute.value : null,
    };
  }
}
