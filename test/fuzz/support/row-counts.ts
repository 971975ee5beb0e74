import pg from 'pg';

/**
 * Tables whose rows change on their own: stream cursors, and usage counters (counted off the request path and
 * flushed every second, so an earlier request's count can land during a later one).
 */
const BACKGROUND_TABLES = new Set(['_prisma_migrations', 'identity_event_cursors', 'usage_counters']);

/** Row counts of every application table in one round trip, to show that a refused request wrote nothing. */
export class RowCounts {
  private constructor(
    private readonly client: pg.Client,
    private readonly sql: string,
  ) {}

  static async connect(databaseUrl: string): Promise<RowCounts> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const { rows } = await client.query<{ tablename: string }>(
      "select tablename from pg_tables where schemaname = 'public' order by 1",
    );
    const tables = rows.map((r) => r.tablename).filter((t) => !BACKGROUND_TABLES.has(t));
    const sql = `select json_build_object(${tables.map((t) => `'${t}', (select count(*) from "${t}")`).join(', ')}) as counts`;
    return new RowCounts(client, sql);
  }

  async take(): Promise<Record<string, number>> {
    const { rows } = await this.client.query<{ counts: Record<string, number> }>(this.sql);
    return rows[0]!.counts;
  }

  close(): Promise<void> {
    return this.client.end();
  }
}

export function changedTables(before: Record<string, number>, after: Record<string, number>): string[] {
  return Object.keys(after)
    .filter((t) => before[t] !== after[t])
    .map((t) => `${t} ${before[t]}→${after[t]}`);
}
