import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.js';
import { createPool } from './pools.js';
import { registerPreparedPool } from './prepared-statements.js';

/**
 * A Prisma client on adapter-pg (Prisma 7's client needs a driver adapter; it has no native engine), over a pool of
 * ours that queryPrepared shares; $disconnect ends the pool.
 */
export function createPrismaClient(databaseUrl: string): PrismaClient {
  const pool = createPool(databaseUrl);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  registerPreparedPool(prisma, pool);
  return prisma;
}

/**
 * The application's Prisma client. Nest calls onModuleDestroy on shutdown; register it with a factory, e.g.
 * `{ provide: PrismaService, useFactory: (config) => new PrismaService(config.databaseUrl), inject: [...] }`.
 */
export class PrismaService extends PrismaClient {
  constructor(databaseUrl: string) {
    const pool = createPool(databaseUrl);
    super({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
    registerPreparedPool(this, pool);
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
