import { createLogger, type DevnetLogger, type LogLevel } from './logger.js';
import { startGrpcServer } from './server.js';
import { DevnetStore } from './store/devnet-store.js';

export interface DevnetOptions {
  /** 0 picks a free port. Default 5556, the SDK's `local` port. */
  port?: number;
  /** Default 127.0.0.1 (the SDK's `localhost` resolves there on this project's machines). */
  host?: string;
  /** Keep all state in this directory across restarts; without it the devnet runs in memory. */
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

  let grpc;
  try {
    grpc = await startGrpcServer(store, logger, host, options.port ?? DEFAULT_DEVNET_PORT);
  } catch (error) {
    store.close();
    throw error;
  }
  const urlHost = host.includes(':') ? `[${host}]` : host;
  logger.info(
    `listening on ${urlHost}:${grpc.port} (${store.persistent ? `data dir ${options.dataDir}` : 'in memory'})`,
  );

  let stopping: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${grpc.port}`,
    port: grpc.port,
    host,
    dataDir: options.dataDir,
    stop: () =>
      (stopping ??= grpc.stop().then(() => {
        store.close();
        logger.info('stopped');
      })),
  };
}
