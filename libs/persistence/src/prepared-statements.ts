import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Prisma, PrismaClient } from './generated/prisma/client.js';
import { createPool } from './pools.js';

const pools = new WeakMap<object, pg.Pool>();

/** Makes `pool` (the one under the client's adapter) the pool queryPrepared runs the client's hot statements on. */
export function registerPreparedPool(prisma: PrismaClient, pool: pg.Pool): void {
  pools.set(prisma, pool);
}

/**
 * Moves the client's hot statements to a pool of their own whose transactions commit without waiting for the WAL
 * flush (`synchronous_commit = off`). Only for statements whose effects are derived again when lost: the hot
 * statements are the realtime pipeline's event commit (deliveries and cursor in one statement: a lost commit leaves the
 * cursor behind its events, which are replayed) and the webhook claims and outcomes (a lost claim is claimed again, a
 * lost outcome is retried after its lease: at-least-once delivery either way). Only a crash of Postgres or its machine
 * loses them, at most the last few hundred milliseconds; a crash of the gateway loses nothing. Returns the closer.
 */
export function useAsyncCommitPool(prisma: PrismaClient, databaseUrl: string): () => Promise<void> {
  const pool = createPool(databaseUrl, {
    options: '-c synchronous_commit=off',
    application_name: ASYNC_COMMIT_APPLICATION_NAME,
    // The hot statements come from a few single writers (the event committer, the dispatcher's claims and outcomes).
    max: 4,
  });
  // An idle connection that breaks (Postgres restarted) is an 'error' on the pool, fatal to the process without a
  // listener. The pool has already dropped it and the next statement connects again; Prisma's pool does the same.
  pool.on('error', () => undefined);
  registerPreparedPool(prisma, pool);
  return () => pool.end();
}

/** What the async-commit pool's connections are called in `pg_stat_activity`. */
export const ASYNC_COMMIT_APPLICATION_NAME = 'mailroom-async-commit';

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
