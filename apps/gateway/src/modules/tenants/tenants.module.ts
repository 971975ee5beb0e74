import { Module } from '@nestjs/common';
import { PrismaTenantRepository, TenantRepository } from './tenant.repository.js';
import { TenantsService } from './tenants.service.js';

@Module({
  providers: [TenantsService, { provide: TenantRepository, useClass: PrismaTenantRepository }],
  exports: [TenantsService],
})
export class TenantsModule {}
