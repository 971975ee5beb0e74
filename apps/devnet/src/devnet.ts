import path from 'node:path';
import { FileArchiveStore, MemoryArchiveStore, type ArchiveStore } from './history/archive-store.js';
import { DEFAULT_HISTORY_RETENTION_MS, startHistoryServer, type HistoryServer } from './history/history-server.js';
import { createLogger, type DevnetLogger, type LogLevel } from './logger.js';
import { startGrpcServer } from './server.js';
import { DevnetStore } from './store/devnet-store.js';

export interface DevnetOptions {
  /** 0 picks a free port. Default 5556, the SDK's `local` port. */
  port?: number;
  /** Default 127.0.0.1 (the SDK's `localhost` resolves there on this project's machines). */
  host?: string;
  /**
   * Port of the history-sync HTTP service (device-sync archive upload and download). Default `port + 2` (5558 beside
   * 5556, the SDK's `local` history URL), or a free port when `port` is 0; `null` runs no history service.
   */
  historyPort?: number | null;
  /** Largest archive upload accepted (larger ones get 413). Default 100 MiB. */
  historyMaxUploadBytes?: number;
  /** Archives are deleted this long after upload, as XMTP's history server does. Default 7 days. */
  historyRetentionMs?: number;
  /** Keep all state (archives under `history/`) in this directory across restarts; without it the devnet runs in memory. */
  dataDir?: string;
  /** fsync each write (power-loss safe, slower). Writes always reach the OS before the RPC answers. */
  fsync?: boolean;
  /** Default `warn`; `debug` logs one line per RPC. Ignored when `logger` is given. */
  logLevel?: LogLevel;
  logger?: DevnetLogger;
}

export interface Devnet {
  /** gRPC endpoint for the SDK, e.g. `http://127.0.0.1:5556`. */
  url: string;
  port: number;
  /** History-sync service for the SDK's `historySyncUrl`, e.g. `http://127.0.0.1:5558`; undefined when not run. */
  historyUrl: string | undefined;
  historyPort: number | undefined;
  host: string;
  dataDir: string | undefined;
  stop(): Promise<void>;
}

export const DEFAULT_DEVNET_PORT = 5556;

/** Starts a local XMTP v3 node that real @xmtp/node-sdk clients can use. */
export async function startDevnet(options: DevnetOptions = {}): Promise<Devnet> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? createLogger(options.logLevel ?? 'warn');
  let store: DevnetStore;
  if (options.dataDir) {
    const opened = DevnetStore.open(options.dataDir, { fsync: options.fsync });
    store = opened.store;
    logger.info(`replayed ${opened.replayed} records from ${options.dataDir}`);
    if (opened.truncatedBytes > 0)
      logger.warn(`dropped ${opened.truncatedBytes} bytes of an interrupted write at the journal end`);
  } else {
    store = DevnetStore.inMemory();
  }

  const port = options.port ?? DEFAULT_DEVNET_PORT;
  const historyPort = options.historyPort === undefined ? defaultHistoryPort(port) : options.historyPort;
  let grpc;
  let history: HistoryServer | undefined;
  try {
    grpc = await startGrpcServer(store, logger, host, port);
    if (historyPort !== null) {
      const retentionMs = options.historyRetentionMs ?? DEFAULT_HISTORY_RETENTION_MS;
      const archives: ArchiveStore = options.dataDir
        ? FileArchiveStore.open(path.join(options.dataDir, 'history'), retentionMs)
        : new MemoryArchiveStore(retentionMs);
      history = await startHistoryServer({
        store: archives,
        logger,
        host,
        port: historyPort,
        maxUploadBytes: options.historyMaxUploadBytes,
      }).catch(async (error: unknown) => {
        await grpc!.stop();
        throw error;
      });
    }
  } catch (error) {
    store.close();
    throw error;
  }
  const urlHost = host.includes(':') ? `[${host}]` : host;
  logger.info(
    `listening on ${urlHost}:${grpc.port}${history ? `, history sync on ${urlHost}:${history.port}` : ''} (${store.persistent ? `data dir ${options.dataDir}` : 'in memory'})`,
  );

  let stopping: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${grpc.port}`,
    port: grpc.port,
    historyUrl: history ? `http://${urlHost}:${history.port}` : undefined,
    historyPort: history?.port,
    host,
    dataDir: options.dataDir,
    stop: () =>
      (stopping ??= Promise.all([grpc.stop(), history?.stop()]).then(() => {
        store.close();
        logger.info('stopped');
      })),
  };
}

/** 5558 beside 5556, as XMTP lays out `local`; any free port beside a devnet on any free port. */
export function defaultHistoryPort(port: number): number {
  return port === 0 ? 0 : port + 2;
}
