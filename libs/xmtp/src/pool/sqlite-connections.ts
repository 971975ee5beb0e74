import { readdirSync, readlinkSync } from 'node:fs';

export interface SqliteConnectionCount {
  /** libxmtp database files open in the process. */
  databases: number;
  /** SQLite connections to them: each holds its database file open once. */
  connections: number;
  /** The most connections on one database. */
  most: number;
  /** Connections by database file path. */
  perDatabase: Map<string, number>;
}

/**
 * The SQLite connections a process (default: this one) has open to libxmtp databases (`*.db3`), read from
 * /proc/<pid>/fd. Undefined where there is no /proc (not Linux).
 */
export function sqliteConnections(pid: number | 'self' = 'self'): SqliteConnectionCount | undefined {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return undefined;
  }
  const perDatabase = new Map<string, number>();
  for (const fd of fds) {
    let target: string;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed meanwhile
    }
    if (target.endsWith('.db3')) perDatabase.set(target, (perDatabase.get(target) ?? 0) + 1);
  }
  const counts = [...perDatabase.values()];
  return {
    databases: counts.length,
    connections: counts.reduce((sum, n) => sum + n, 0),
    most: counts.reduce((most, n) => Math.max(most, n), 0),
    perDatabase,
  };
}
