import { Injectable } from '@nestjs/common';
import { PrismaClient, type Tenant, type TenantScope } from '@mailroom/persistence';
import { clientFor, type Transaction } from '../../data/index.js';

/** Tenant rows: a tenant reads only its own; creation (signup) is the one write without a scope, as none exists yet. */
export abstract class TenantRepository {
  /** Signup only. `tx`: the signup's transaction. */
  abstract create(name: string, tx?: Transaction): Promise<Tenant>;
  abstract find(scope: TenantScope): Promise<Tenant | null>;
}

@Injectable()
export class PrismaTenantRepository extends TenantRepository {
  constructor(private readonly prisma: PrismaClient) {
    super();
  }

  create(name: string, tx?: Transaction): Promise<Tenant> {
    return clientFor(this.prisma, tx).tenant.create({ data: { name } });
  }

  find(scope: TenantScope): Promise<Tenant | null> {
    return this.prisma.tenant.findUnique({ where: { id: scope.tenantId } });
  }
}
