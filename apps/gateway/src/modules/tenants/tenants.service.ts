import { Injectable } from '@nestjs/common';
import type { Tenant, TenantScope } from '@mailroom/persistence';
import type { Transaction } from '../../data/index.js';
import { TenantRepository } from './tenant.repository.js';

/** Tenants themselves: created at signup, read through the caller's own scope only. */
@Injectable()
export class TenantsService {
  constructor(private readonly tenants: TenantRepository) {}

  /** Creates a tenant (signup only: there is no scope before the tenant exists); pass the signup's transaction. */
  create(name: string, tx?: Transaction): Promise<Tenant> {
    return this.tenants.create(name, tx);
  }

  get(scope: TenantScope): Promise<Tenant | null> {
    return this.tenants.find(scope);
  }
}
