import { Module } from '@nestjs/common';
import { TenantRepository } from './tenant.repository.js';
import { TenantsService } from './tenants.service.js';

@Module({ providers: [TenantsService, TenantRepository], exports: [TenantsService] })
export class TenantsModule {}
