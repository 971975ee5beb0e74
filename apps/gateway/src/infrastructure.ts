import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, xmtpNetworkProblems, type GatewayConfig } from '@mailroom/config';
import { startDevnet } from '@mailroom/devnet';
import { createEventBus } from '@mailroom/events';
import { PrismaMasterKeyCheckStore, holdMasterKeyLease, startKeyVault } from '@mailroom/key-vault';
import {
  checkDatabase,
  createPrismaClient,
  useAsyncCommitPool,
  deployMigrations,
  ensureDatabase,
  PgAdvisoryIdentityLocks,
  startEmbeddedPostgres,
} from '@mailroom/persistence';
import {
  boundXmtpMemory,
  InstallationPool,
  selectXmtpSdk,
  type AppliedXmtpMemoryBounds,
  useXmtpNetwork,
  xmtpSdk,
  type XmtpSdkSelection,
} from '@mailroom/xmtp';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { loadOrCreateLocalSecret } from './local-secrets.js';
import { probeTcp } from './common/http/tcp-probe.js';
import { attachPoolDeactivations, PoolDeactivations } from './modules/realtime/pool-deactivations.js';
import type { GatewayRuntime, ReadinessCheck } from './runtime.js';

/** prisma/migrations at the repository root, from both src/ (tests) and dist/ (built app). */
export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../prisma/migrations');

export interface StartupLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface StartedRuntime {
  readonly runtime: GatewayRuntime;
  /** Stops what `startRuntime` started, in reverse order. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Resolves every dependency the gateway needs before Nest starts: the database (embedded PostgreSQL under
 * DATA_DIR when no DATABASE_URL is set) with its migrations applied, the event bus, and the XMTP endpoint
 * (an in-process devnet on `local` without XMTP_API_URL), and the key vault, opened only with the master key the
 * database was set up with. On failure, whatever already started is stopped.
 */
export async function startRuntime(config: GatewayConfig, log: StartupLog): Promise<StartedRuntime> {
  // Before anything starts and before any client is built: the SDK (XMTP_SDK) and its adapter, which refuses an SDK
  // version it was not written for.
  const sdk = await selectXmtpSdk(config.xmtp.sdk);
  if (sdk.fallbackReason)
    log.warn(`XMTP_SDK=auto: @xmtp/node-sdk 6 does not load in this process (${sdk.fallbackReason}); using SDK 5`);
  log.info(
    `XMTP SDK: @xmtp/node-sdk ${sdk.adapter.version} (node-bindings ${sdk.adapter.bindingsVersion}), XMTP_SDK=${sdk.choice}`,
  );
  assertSdkServesNetwork(config, sdk);
  logXmtpMemoryBounds(
    boundXmtpMemory({
      databasePoolSize: config.xmtp.databasePoolSize,
      sqliteMemoryBytes: config.xmtp.sqliteMemoryBytes,
      sqliteMmapBytes: config.xmtp.sqliteMmapBytes,
    }),
    config,
    log,
  );
  sdk.adapter.decodeStreamedTextWithoutRereading();
  const stack: { name: string; stop: () => Promise<unknown> }[] = [];
  const stop = async () => {
    while (stack.length > 0) {
      const item = stack.pop()!;
      await item.stop().catch((error: unknown) => log.error(`stopping ${item.name} failed: ${String(error)}`));
    }
  };

  try {
    const jwtSecret = config.secrets.jwtSecret ?? (await localJwtSecret(config, log));
    let databaseUrl = config.database.url;
    const embedded = !databaseUrl;
    if (!databaseUrl) {
      const postgres = await startEmbeddedPostgres({ dataDir: config.dataDir });
      stack.push({ name: 'embedded PostgreSQL', stop: () => postgres.stop() });
      databaseUrl = postgres.url;
      log.info(
        `embedded PostgreSQL started under ${path.join(config.dataDir, 'postgres')} on port ${new URL(databaseUrl).port}`,
      );
    }
    if (config.database.migrateOnStart) {
      await ensureDatabase(databaseUrl);
      const applied = await deployMigrations({ databaseUrl, migrationsDir: MIGRATIONS_DIR });
      if (applied.length > 0) log.info(`applied migrations: ${applied.join(', ')}`);
    }
    const prisma = createPrismaClient(databaseUrl);
    stack.push({ name: 'database client', stop: () => prisma.$disconnect() });
    const closeAsyncCommitPool = useAsyncCommitPool(prisma, databaseUrl);
    stack.push({ name: 'database pool of the replayable hot statements', stop: closeAsyncCommitPool });

    // The lease first: a key rotation cannot commit between the check below and the gateway's first use of the key.
    const lease = await holdMasterKeyLease(databaseUrl, (error) =>
      log.warn(`master key lease connection lost: ${error.message}`),
    );
    stack.push({ name: 'master key lease', stop: () => lease.release() });
    const vault = await startKeyVault({
      configuredKey: config.secrets.masterKey,
      dataDir: config.dataDir,
      production: config.nodeEnv === 'production',
      checkStore: new PrismaMasterKeyCheckStore(prisma),
      log,
    });
    stack.push({ name: 'key vault', stop: async () => vault.destroy() });

    const eventBus = await createEventBus({
      redisUrl: config.redis.url,
      onError: (error) => log.warn(`redis: ${error.message}`),
    });
    stack.push({ name: 'event bus', stop: () => eventBus.close() });
    if (eventBus.kind === 'in-process')
      log.warn('REDIS_URL is not set: using the in-process event bus (one replica only)');
    let redis: Redis | undefined;
    if (config.redis.url) {
      const client = new Redis(config.redis.url, {
        maxRetriesPerRequest: 2,
        connectionName: 'mailroom-main',
        lazyConnect: true,
        // Budget scripts and counters of concurrent requests in one turn share one socket write.
        enableAutoPipelining: true,
      });
      client.on('error', (error: Error) => log.warn(`redis: ${error.message}`));
      await client.connect();
      redis = client;
      stack.push({
        name: 'redis',
        stop: () =>
          client.quit().then(
            () => undefined,
            () => client.disconnect(),
          ),
      });
    }

    let xmtpApiUrl = config.xmtp.apiUrl;
    let inProcessDevnet = false;
    // The in-process devnet's history-sync service (DEVNET_PORT + 2) takes device-sync archives.
    let historySyncUrl: string | undefined;
    if (!xmtpApiUrl && config.xmtp.env === 'local') {
      const devnet = await startDevnet({ port: config.xmtp.devnetPort, dataDir: path.join(config.dataDir, 'devnet') });
      stack.push({ name: 'devnet', stop: () => devnet.stop() });
      xmtpApiUrl = devnet.url;
      historySyncUrl = devnet.historyUrl;
      inProcessDevnet = true;
      log.info(`in-process XMTP devnet listening on ${devnet.url}, history sync on ${devnet.historyUrl}`);
    }
    await useXmtpNetwork({
      env: config.xmtp.env,
      apiUrl: xmtpApiUrl,
      gatewayHost: config.xmtp.gatewayHost,
      historySyncUrl,
    });

    const xmtpLogger = pino({ level: config.log.level, base: { pid: process.pid, context: 'InstallationPool' } });
    const locks = new PgAdvisoryIdentityLocks({ connectionString: databaseUrl, logger: xmtpLogger });
    stack.push({ name: 'identity locks', stop: () => locks.close() });
    const deactivations = new PoolDeactivations();
    const pool = new InstallationPool({
      onDeactivate: (identityId, client) => deactivations.notify(identityId, client),
      env: config.xmtp.env,
      apiUrl: xmtpApiUrl,
      historySyncUrl,
      maxLive: config.xmtp.maxLiveClients,
      locks,
      logger: xmtpLogger,
    });
    attachPoolDeactivations(pool, deactivations);
    stack.push({ name: 'installation pool', stop: () => pool.close() });

    const readinessChecks: ReadinessCheck[] = [
      {
        name: 'database',
        check: async () => {
          const result = await checkDatabase(prisma, 2_500);
          if (!result.ok) throw new Error(result.error);
        },
      },
    ];
    if (eventBus.kind === 'redis') readinessChecks.push({ name: 'redis', check: () => eventBus.ping() });
    const reachableXmtp = xmtpApiUrl;
    if (reachableXmtp)
      readinessChecks.push({ name: 'xmtp', gating: false, check: () => probeTcp(reachableXmtp, 2_500) });
    const gatewayHost = config.xmtp.gatewayHost;
    if (gatewayHost)
      readinessChecks.push({ name: 'xmtpGateway', gating: false, check: () => probeTcp(gatewayHost, 2_500) });

    const runtime: GatewayRuntime = {
      config,
      database: { url: databaseUrl, embedded },
      prisma,
      eventBus,
      redis,
      xmtp: {
        env: config.xmtp.env,
        // Unset: the SDK's node for the env (none on a decentralized network, reached through the gateway host).
        apiUrl: xmtpApiUrl ?? xmtpSdk().endpoints(config.xmtp.env).apiUrl,
        gatewayHost: config.xmtp.gatewayHost,
        inProcessDevnet,
      },
      readinessChecks,
      jwtSecret,
      vault,
      pool,
      locks,
      replica: {},
    };
    return { runtime, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Logs the memory bounds and what they could not apply (node-sdk 5.5 has no pool bounds; the SQLite bounds need Linux). */
function logXmtpMemoryBounds(applied: AppliedXmtpMemoryBounds, config: GatewayConfig, log: StartupLog): void {
  const { databasePool, sqliteMemory, sqliteMmap } = applied;
  if (!databasePool.applied)
    log.info(
      `XMTP_DB_POOL_SIZE=${config.xmtp.databasePoolSize} not applied: ${databasePool.reason}; libxmtp opens up to 25 SQLite connections a client`,
    );
  const limitMiB = config.xmtp.sqliteMemoryBytes / 1024 ** 2;
  const mmapMiB = config.xmtp.sqliteMmapBytes / 1024 ** 2;
  if (!sqliteMemory.applied) {
    // Both SQLite bounds go through the same bundled SQLite, so they fail together, for one reason.
    log.warn(
      `XMTP_SQLITE_MEMORY_MB=${limitMiB} and XMTP_SQLITE_MMAP_MB=${mmapMiB} not applied (${sqliteMemory.reason}): SQLite page caches are unbounded and libxmtp maps up to 128 MiB of each database per connection`,
    );
    return;
  }
  const heap = limitMiB > 0 ? `soft heap limit ${limitMiB} MiB for all clients` : 'no soft heap limit';
  const mapping = !sqliteMmap.applied
    ? undefined
    : mmapMiB > 0
      ? `memory-mapped I/O at most ${mmapMiB} MiB a connection`
      : 'memory-mapped I/O off (reads go through the page cache)';
  log.info(`XMTP SQLite ${sqliteMemory.sqliteVersion}: ${heap}${mapping ? `; ${mapping}` : ''}`);
  if (!sqliteMmap.applied)
    log.warn(
      `XMTP_SQLITE_MMAP_MB=${mmapMiB} not applied (${sqliteMmap.reason}): libxmtp maps up to 128 MiB of each database per connection`,
    );
}

/**
 * Refuses, as a configuration error, a network the loaded SDK cannot serve: configuration validation could not know
 * which SDK `XMTP_SDK=auto` would load.
 */
function assertSdkServesNetwork(config: GatewayConfig, sdk: XmtpSdkSelection): void {
  const problems = xmtpNetworkProblems(config.xmtp, sdk.adapter.major);
  if (problems.length === 0) return;
  const reason = sdk.fallbackReason?.match(/GLIBC_[\d.]+'? not found/)?.[0] ?? sdk.fallbackReason;
  const why = sdk.fallbackReason
    ? `; XMTP_SDK=auto loaded @xmtp/node-sdk ${sdk.adapter.version} because SDK 6 does not load here (${reason}): run on glibc >= 2.38 (the Docker image, or PATH=$PWD/.cache/glibc/bin:$PATH after npm run glibc:fetch)`
    : '';
  throw new ConfigError(problems.map((problem) => `${problem}${why}`));
}

async function localJwtSecret(config: GatewayConfig, log: StartupLog): Promise<string> {
  const secret = await loadOrCreateLocalSecret(config.dataDir, 'jwt.secret', () =>
    randomBytes(48).toString('base64url'),
  );
  if (secret.created) log.warn(`JWT_SECRET is not set: generated one in ${secret.file}; set JWT_SECRET for production`);
  return secret.value;
}
