import { createHash } from 'node:crypto';
import pg from 'pg';

/**
 * Exclusive ownership of hosted identities across gateway processes: a process opens an identity's
 * installation database only while it holds that identity's lock.
 */
export interface IdentityLocks {
  /** true when this process now holds the lock (or already did); false when another process holds it. */
  tryAcquire(identityId: string): Promise<boolean>;
  release(identityId: string): Promise<void>;
  /** Called when every held lock has been lost at once (the lock session died); the holder must stop using them. */
  onLost(callback: () => void): void;
}

/** Minimal pino-compatible logger. */
interface LocksLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface PgAdvisoryIdentityLocksOptions {
  connectionString: string;
  /** A liveness query on the lock connection this often, so a silently dead session is noticed. Default 5 s. */
  pingIntervalMs?: number;
  /** Wait between reconnect attempts after the lock connection is lost. Default 1 s. */
  reconnectDelayMs?: number;
  logger?: LocksLogger;
}

/** Thrown when the lock connection cannot be (re)established; callers treat the identity as unavailable. */
export class IdentityLocksUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`identity lock connection unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'IdentityLocksUnavailableError';
  }
}

const LOCK_NAMESPACE = 'mailroom:identity:';

/** The signed 64-bit advisory-lock key for an identity: the first 8 bytes of SHA-256 over a namespaced id. */
export function identityLockKey(identityId: string): bigint {
  return createHash('sha256')
    .update(LOCK_NAMESPACE + identityId)
    .digest()
    .readBigInt64BE(0);
}

/**
 * Session-level Postgres advisory locks on one dedicated connection per process. Many locks share the session;
 * if the process dies, Postgres drops the session and releases them all. If the connection drops, every lock is
 * gone at once: `onLost` callbacks run (the pool fences by closing all clients), then the instance reconnects and
 * starts with no locks held.
 */
export class PgAdvisoryIdentityLocks implements IdentityLocks {
  readonly #options: Required<Omit<PgAdvisoryIdentityLocksOptions, 'logger'>> & { logger?: LocksLogger };
  readonly #held = new Set<string>();
  readonly #acquiring = new Map<string, Promise<boolean>>();
  readonly #lostCallbacks: Array<() => void> = [];
  #connection: pg.Client | undefined;
  #connecting: Promise<pg.Client> | undefined;
  #pingTimer: NodeJS.Timeout | undefined;
  /** pg deprecates overlapping queries on one client; every statement on the lock session goes through this chain. */
  #queue: Promise<unknown> = Promise.resolve();
  #generation = 0;
  #closed = false;
  #applicationName = 'mailroom-identity-locks';

  constructor(options: PgAdvisoryIdentityLocksOptions) {
    this.#options = { pingIntervalMs: 5_000, reconnectDelayMs: 1_000, ...options };
  }

  /** Identity ids whose lock this instance holds. */
  held(): string[] {
    return [...this.#held];
  }

  /** The Postgres backend pid of the lock session (for diagnostics and tests), or undefined when disconnected. */
  get backendPid(): number | undefined {
    return (this.#connection as (pg.Client & { processID?: number }) | undefined)?.processID;
  }

  /**
   * Names this process's lock session, e.g. with the URL other replicas reach it at: `findIdentityLockHolder`
   * reads it back, so a replica can route a request to the one that holds an identity. At most 63 bytes.
   */
  async setApplicationName(name: string): Promise<void> {
    this.#applicationName = name.slice(0, 63);
    const connection = this.#connection;
    if (connection)
      await this.#run(connection, "SELECT set_config('application_name', $1, false)", [this.#applicationName]);
  }

  onLost(callback: () => void): void {
    this.#lostCallbacks.push(callback);
  }

  async tryAcquire(identityId: string): Promise<boolean> {
    if (this.#held.has(identityId)) return true; // advisory locks count re-entries; keep exactly one per identity
    let pending = this.#acquiring.get(identityId);
    if (!pending) {
      pending = this.#lock(identityId).finally(() => this.#acquiring.delete(identityId));
      this.#acquiring.set(identityId, pending);
    }
    return pending;
  }

  async #lock(identityId: string): Promise<boolean> {
    const connection = await this.#connect();
    const generation = this.#generation;
    const result = await this.#query(connection, 'SELECT pg_try_advisory_lock($1::bigint) AS locked', [
      identityLockKey(identityId).toString(),
    ]);
    const locked = result.rows[0]?.locked === true;
    if (!locked) return false;
    if (generation !== this.#generation) return false; // the session died while we asked: that lock is gone too
    this.#held.add(identityId);
    return true;
  }

  async release(identityId: string): Promise<void> {
    if (!this.#held.delete(identityId)) return;
    const connection = this.#connection;
    if (!connection) return; // session gone: Postgres already released it
    try {
      await this.#run(connection, 'SELECT pg_advisory_unlock($1::bigint)', [identityLockKey(identityId).toString()]);
    } catch (error) {
      // A failed unlock means the session is broken; #lose() (from the error event) releases everything.
      this.#options.logger?.warn({ err: error, identityId }, 'identity lock unlock failed');
    }
  }

  /** Ends the lock session, releasing every lock. Does not fire onLost: the caller is shutting down on purpose. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#stopPing();
    this.#held.clear();
    const connection = this.#connection ?? (await this.#connecting?.catch(() => undefined));
    this.#connection = undefined;
    this.#connecting = undefined;
    await connection?.end().catch(() => undefined);
  }

  async #connect(): Promise<pg.Client> {
    if (this.#closed) throw new IdentityLocksUnavailableError(new Error('identity locks closed'));
    if (this.#connection) return this.#connection;
    this.#connecting ??= this.#open().finally(() => (this.#connecting = undefined));
    return this.#connecting;
  }

  async #open(): Promise<pg.Client> {
    const connection = new pg.Client({
      connectionString: this.#options.connectionString,
      keepAlive: true,
      // A statement that hangs (half-open socket) fails, so the ping notices and the locks are declared lost.
      query_timeout: this.#options.pingIntervalMs * 2,
      application_name: this.#applicationName,
    });
    const generation = this.#generation;
    connection.on('error', (error) => this.#lose(connection, error));
    connection.on('end', () => this.#lose(connection, new Error('lock connection ended')));
    try {
      await connection.connect();
    } catch (error) {
      connection.removeAllListeners();
      throw new IdentityLocksUnavailableError(error);
    }
    if (this.#closed || generation !== this.#generation) {
      await connection.end().catch(() => undefined);
      throw new IdentityLocksUnavailableError(new Error('identity locks closed while connecting'));
    }
    this.#connection = connection;
    this.#queue = Promise.resolve(); // statements queued on a dead session have failed already
    this.#startPing(connection);
    return connection;
  }

  #run(connection: pg.Client, text: string, values: unknown[] = []): Promise<pg.QueryResult> {
    const result = this.#queue.then(() => connection.query(text, values));
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #query(connection: pg.Client, text: string, values: unknown[]): Promise<pg.QueryResult> {
    try {
      return await this.#run(connection, text, values);
    } catch (error) {
      if (this.#connection !== connection) throw new IdentityLocksUnavailableError(error);
      throw error;
    }
  }

  #lose(connection: pg.Client, error: unknown): void {
    if (this.#connection !== connection) return; // an older session, already handled
    this.#connection = undefined;
    this.#generation++;
    this.#stopPing();
    connection.removeAllListeners('error');
    connection.on('error', () => undefined); // late socket errors of a dead session are expected
    connection.end().catch(() => undefined);
    if (this.#closed) return;
    const lost = this.#held.size;
    this.#held.clear();
    this.#options.logger?.error(
      { err: error, lostLocks: lost },
      'identity lock session lost; every held identity lock is gone',
    );
    for (const callback of this.#lostCallbacks) {
      try {
        callback();
      } catch (callbackError) {
        this.#options.logger?.error({ err: callbackError }, 'identity lock onLost callback failed');
      }
    }
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    const timer = setTimeout(() => {
      if (this.#closed || this.#connection || this.#connecting) return;
      this.#connect().then(
        () => this.#options.logger?.info({}, 'identity lock session re-established'),
        (error) => {
          this.#options.logger?.warn({ err: error }, 'identity lock reconnect failed; retrying');
          this.#scheduleReconnect();
        },
      );
    }, this.#options.reconnectDelayMs);
    timer.unref();
  }

  #startPing(connection: pg.Client): void {
    this.#stopPing();
    this.#pingTimer = setInterval(() => {
      this.#run(connection, 'SELECT 1').catch((error) => this.#lose(connection, error));
    }, this.#options.pingIntervalMs);
    this.#pingTimer.unref();
  }

  #stopPing(): void {
    if (this.#pingTimer) clearInterval(this.#pingTimer);
    this.#pingTimer = undefined;
  }
}

/** What can run a parameterised query: a pg Client or Pool. */
interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
}

/**
 * The application name of the session holding an identity's lock (see `setApplicationName`), or undefined when no
 * process holds it. A dead process's session is gone, so its identities are free again at once.
 */
export async function findIdentityLockHolder(db: Queryable, identityId: string): Promise<string | undefined> {
  const key = BigInt.asUintN(64, identityLockKey(identityId));
  const result = await db.query(
    `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND l.classid = $1::oid AND l.objid = $2::oid
      LIMIT 1`,
    [(key >> 32n).toString(), (key & 0xffffffffn).toString()],
  );
  const name = result.rows[0]?.application_name;
  return typeof name === 'string' ? name : undefined;
}
