import pg from 'pg';

/** A pool of the database's connections, with `settings` (pg's pool and connection options) on top of the defaults. */
export function createPool(databaseUrl: string, settings: pg.PoolConfig = {}): pg.Pool {
  return new pg.Pool({
    connectionString: databaseUrl,
    // Fail a query after 5 s without a connection instead of waiting forever when the database is down.
    connectionTimeoutMillis: 5_000,
    ...settings,
  });
}
