import pg from 'pg';

export type DatabaseCheck = { ok: true; latencyMs: number } | { ok: false; error: string };

interface RawQueryClient {
  $queryRawUnsafe(query: string): Promise<unknown>;
}

/** Readiness probe: `SELECT 1` on the Prisma client's pool, or on a fresh connection to a URL, within `timeoutMs`. */
export async function checkDatabase(target: RawQueryClient | string, timeoutMs = 2_000): Promise<DatabaseCheck> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([selectOne(target, timeoutMs), timeout]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

async function selectOne(target: RawQueryClient | string, timeoutMs: number): Promise<void> {
  if (typeof target !== 'string') {
    await target.$queryRawUnsafe('SELECT 1');
    return;
  }
  const client = new pg.Client({
    connectionString: target,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  client.on('error', () => {}); // a dropped connection is reported through the query instead
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => {});
  }
}
