import { PrismaPg } from '@prisma/adapter-pg';
import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
} from '@prisma/driver-adapter-utils';

export interface ClosableAdapterFactory extends SqlMigrationAwareDriverAdapterFactory {
  /** Ends every connection pool this factory opened; the wasm engine never disposes its adapters. */
  close(): Promise<void>;
  /**
   * The database's own error for the last script that failed. The engine reports it only through adapter-pg's
   * mapping ("No such table: x"), without the Postgres code and wording that native Prisma shows.
   */
  lastScriptError(): { code?: string; message: string } | undefined;
}

/**
 * adapter-pg for the schema engine, with two changes:
 * - executeScript sends the whole migration as one simple-protocol query, so Postgres runs it as one implicit
 *   transaction (a failing migration rolls back completely, and `$$ … ; … $$` bodies survive), as the native
 *   engine does; stock adapter-pg splits the script on ";" and runs the pieces one by one;
 * - shadow databases are refused: stock connectToShadowDb can apply shadow migrations to the main database.
 */
export function migrationAdapterFactory(databaseUrl: string): ClosableAdapterFactory {
  const pgFactory = new PrismaPg({ connectionString: databaseUrl, max: 2, connectionTimeoutMillis: 10_000 });
  const opened: SqlDriverAdapter[] = [];
  let lastScriptError: { code?: string; message: string } | undefined;
  return {
    provider: pgFactory.provider,
    adapterName: pgFactory.adapterName,
    async connect() {
      const adapter = await pgFactory.connect();
      const pool = adapter.underlyingDriver();
      const rethrow = (adapter as unknown as { onError(error: unknown): never }).onError.bind(adapter);
      adapter.executeScript = async (script: string) => {
        try {
          await pool.query(script);
        } catch (error) {
          const { code, message } = error as { code?: string; message?: string };
          lastScriptError = { code, message: message ?? String(error) };
          rethrow(error);
        }
      };
      opened.push(adapter);
      return adapter;
    },
    async connectToShadowDb() {
      throw new Error('Shadow databases are not supported by the offline migration tooling.');
    },
    lastScriptError: () => lastScriptError,
    async close() {
      await Promise.allSettled(opened.splice(0).map((adapter) => adapter.dispose()));
    },
  };
}

const HANDSHAKE_MARKER = 'server_version_num';
/** The server version the engine is told about when diffing schemas without a database. */
const OFFLINE_SERVER_VERSION = 150000;

/**
 * A factory for diffs between two Prisma schemas, which need no database: the engine only sends its connection
 * handshake query on start, answered here; any other query fails loudly.
 */
export function offlineAdapterFactory(): SqlMigrationAwareDriverAdapterFactory {
  const refuse = async (query?: unknown): Promise<never> => {
    const what = typeof query === 'string' ? query : ((query as SqlQuery | undefined)?.sql ?? 'a transaction');
    throw new Error(`The offline schema diff tried to use a database: ${what}`);
  };
  const adapter: SqlDriverAdapter = {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    async queryRaw(query: SqlQuery): Promise<SqlResultSet> {
      if (!query.sql.includes(HANDSHAKE_MARKER)) return refuse(query);
      return {
        columnNames: ['exists', 'version', 'numeric_version'],
        columnTypes: [5, 7, 0],
        rows: [[true, `PostgreSQL ${OFFLINE_SERVER_VERSION / 10000}`, OFFLINE_SERVER_VERSION]],
      };
    },
    executeRaw: refuse,
    executeScript: refuse,
    startTransaction: refuse,
    getConnectionInfo: () => ({ supportsRelationJoins: true }),
    dispose: async () => {},
  };
  return {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    connect: async () => adapter,
    connectToShadowDb: refuse,
  };
}
