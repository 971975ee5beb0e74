import { Global, Module } from '@nestjs/common';
import { TENANT_RATE_LIMITS } from '../../common/rate-limit/rate-limit.tokens.js';
import { AuthModule } from '../auth/auth.module.js';
import { SettingsController } from './settings.controller.js';
import { PrismaTenantSettingsRepository, TenantSettingsRepository } from './settings.repository.js';
import { TenantSettingsService } from './settings.service.js';
import { CachedTenantRateLimits } from './tenant-rate-limits.js';

/** Global so that attachments and request budgets can read a tenant's settings. */
@Global()
@Module({
  imports: [AuthModule],
  controllers: [SettingsController],
  providers: [
    TenantSettingsService,
    { provide: TenantSettingsRepository, useClass: PrismaTenantSettingsRepository },
    CachedTenantRateLimits,
    { provide: TENANT_RATE_LIMITS, useExisting: CachedTenantRateLimits },
  ],
  exports: [TenantSettingsService, TenantSettingsRepository, TENANT_RATE_LIMITS],
})
export class SettingsModule {}
