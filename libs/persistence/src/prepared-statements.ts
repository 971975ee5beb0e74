import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Prisma, PrismaClient } from './generated/prisma/client.js';

const pools = new WeakMap<object, pg.Pool>();

/** Makes `pool` (the one under the client's adapter) the pool queryPrepared runs the client's hot statements on. */
export function registerPreparedPool(prisma: PrismaClient, pool: pg.Pool): void {
  pools.set(prisma, pool);
}

/**
 * Runs a statement the gateway sends many times a second (the event commit, webhook claims and outcomes) as a named
 * prepared statement on the client's own pool: each connection parses and plans it once and then only binds values,
 * where $queryRaw would have Postgres plan the statement on every call. The name is derived from the text, so texts
 * built from different fragments are different statements. Clients without a registered pool (a test's own client)
 * run it through $queryRaw. Rows come back as node-postgres gives them (int8 as string, bytea as Buffer).
 */
export async function queryPrepared<T>(prisma: PrismaClient, statement: Prisma.Sql): Promise<T[]> {
  const pool = pools.get(prisma);
  if (!pool) return prisma.$queryRaw<T[]>(statement);
  const text = statement.text;
  const result = await pool.query<T & pg.QueryResultRow>({
    name: statementName(text),
    text,
    values: statement.values as unknown[],
  });
  return result.rows;
}

const names = new Map<string, string>();

function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `mailroom_${createHash('sha256').update(text).digest('base64url').slice(0, 24)}`;
    if (names.size >= 1_000) names.clear();
    names.set(text, name);
  }
  return name;
}
