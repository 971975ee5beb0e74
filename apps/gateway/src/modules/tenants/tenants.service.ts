import { Injectable } from '@nestjs/common';
import { Prisma, PrismaClient, type Tenant, type TenantScope } from '@mailroom/persistence';

type Db = PrismaClient | Prisma.TransactionClient;

/** Tenants themselves: created at signup, read through the caller's own scope only. */
@Injectable()
export class TenantsService {
  constructor(private readonly prisma: PrismaClient) {}

  /** Creates a tenant (signup only: there is no scope before the tenant exists). */
  create(name: string, db: Db = this.prisma): Promise<Tenant> {
    return db.tenant.create({ data: { name } });
  }

  get(scope: TenantScope): Promise<Tenant | null> {
    return this.prisma.tenant.findUnique({ where: { id: scope.tenantId } });
  }
}
