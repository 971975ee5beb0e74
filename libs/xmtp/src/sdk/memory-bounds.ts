import { xmtpSdk } from './xmtp-sdk.js';

export interface XmtpMemoryBounds {
  /** Most SQLite connections libxmtp opens for one client's database. */
  databasePoolSize?: number;
  /** SQLite's soft heap limit for the whole process (all clients' page caches together); 0: none. */
  sqliteMemoryBytes?: number;
  /** The most memory-mapped I/O per SQLite connection; 0: none (libxmtp asks for 128 MiB a connection). */
  sqliteMmapBytes?: number;
}

/** What `boundXmtpMemory` applied; a reason where the selected SDK cannot apply a bound. */
export interface AppliedXmtpMemoryBounds {
  databasePool: { applied: true } | { applied: false; reason: string };
  sqliteMemory: { applied: true; sqliteVersion: string } | { applied: false; reason: string };
  sqliteMmap: { applied: true } | { applied: false; reason: string };
}

/**
 * Bounds what libxmtp's SQLite keeps in memory, for every client opened from now on: the process runs one SQLite for
 * all its clients, so these are process-wide and set once at start, after the SDK is selected.
 */
export function boundXmtpMemory(bounds: XmtpMemoryBounds): AppliedXmtpMemoryBounds {
  const sdk = xmtpSdk();
  const databasePool: AppliedXmtpMemoryBounds['databasePool'] =
    bounds.databasePoolSize === undefined || sdk.limitClientDatabasePool(bounds.databasePoolSize)
      ? { applied: true }
      : { applied: false, reason: `@xmtp/node-sdk ${sdk.version} cannot pass pool bounds (SDK 6 can)` };

  const sqlite = sdk.bundledSqlite();
  if ('unavailable' in sqlite) {
    const unavailable = { applied: false as const, reason: sqlite.unavailable };
    return { databasePool, sqliteMemory: unavailable, sqliteMmap: unavailable };
  }
  // First: SQLite takes the mapping cap only before it initializes, which setting the soft heap limit does.
  const sqliteMmap: AppliedXmtpMemoryBounds['sqliteMmap'] =
    bounds.sqliteMmapBytes === undefined || sqlite.limitMemoryMappedIo(bounds.sqliteMmapBytes)
      ? { applied: true }
      : { applied: false, reason: 'SQLite was already in use in this process (a client opened before the gateway)' };
  sqlite.setSoftHeapLimit(bounds.sqliteMemoryBytes ?? 0);
  return { databasePool, sqliteMemory: { applied: true, sqliteVersion: sqlite.version }, sqliteMmap };
}

/**
 * What libxmtp's SQLite holds now in this process (all clients) and its soft limit (0: none), or undefined where they
 * cannot be read.
 */
export function sqliteMemory(): { usedBytes: number; softLimitBytes: number } | undefined {
  const sqlite = xmtpSdk().bundledSqlite();
  if ('unavailable' in sqlite) return undefined;
  return { usedBytes: sqlite.memoryUsed(), softLimitBytes: sqlite.softHeapLimit() };
}
