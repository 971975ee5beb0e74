import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.js';

/** A Prisma client on adapter-pg (Prisma 7's client needs a driver adapter; it has no native engine). */
export function createPrismaClient(databaseUrl: string): PrismaClient {
  return new PrismaClient({ adapter: pgAdapter(databaseUrl) });
}

function pgAdapter(databaseUrl: string): PrismaPg {
  // Fail a query after 5 s without a connection instead of waiting forever when the database is down.
  return new PrismaPg({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
}

/**
 * The application's Prisma client. Nest calls onModuleDestroy on shutdown; register it with a factory, e.g.
 * `{ provide: PrismaService, useFactory: (config) => new PrismaService(config.databaseUrl), inject: [...] }`.
 */
export class PrismaService extends PrismaClient {
  constructor(databaseUrl: string) {
    super({ adapter: pgAdapter(databaseUrl) });
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
