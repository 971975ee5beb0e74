import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { pino } from 'pino';
import type { GatewayConfig } from '@mailroom/config';
import { createGatewayApp, type CreateAppOptions } from './app.factory.js';
import { startRuntime, type StartupLog } from './infrastructure.js';
import { replicaIdFor, sessionNameFor } from './modules/replicas/owner-routing.js';
import { HealthService } from './modules/health/health.service.js';
import { startMetricsListener } from './modules/metrics/metrics-listener.js';
import { MetricsService } from './modules/metrics/metrics.service.js';
import type { GatewayRuntime } from './runtime.js';

export interface RunningGateway {
  readonly app: INestApplication;
  /** Where `/metrics` is served when METRICS_PORT gives it its own listener. */
  readonly metricsUrl?: string;
  readonly runtime: GatewayRuntime;
  /** Where the gateway listens, e.g. http://127.0.0.1:3000 */
  readonly url: string;
  /** Stop taking traffic, drain in-flight requests (up to the grace period), then close every dependency. */
  stop(): Promise<void>;
}

function startupLogger(config: GatewayConfig): StartupLog {
  const logger = pino({ level: config.log.level, base: { pid: process.pid, context: 'Startup' } });
  return { info: (m) => logger.info(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m) };
}

export async function startGateway(
  config: GatewayConfig,
  options: CreateAppOptions & { log?: StartupLog } = {},
): Promise<RunningGateway> {
  const log = options.log ?? startupLogger(config);
  const started = await startRuntime(config, log);
  let app: INestApplication;
  let metricsServer: Server | undefined;
  try {
    app = await createGatewayApp(started.runtime, options);
    await app.listen(config.http.port, config.http.host);
    metricsServer = await startMetricsListener(config, app.get(MetricsService));
  } catch (error) {
    await started.stop();
    throw error;
  }
  const server = app.getHttpServer() as Server;
  const { port } = server.address() as AddressInfo;
  const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const metricsAddress = metricsServer?.address() as AddressInfo | undefined;
  const metricsUrl = metricsAddress
    ? `http://${host.includes(':') ? `[${host}]` : host}:${metricsAddress.port}`
    : undefined;
  started.runtime.replica.url = config.http.internalUrl ?? url;
  started.runtime.replica.id = replicaIdFor(started.runtime.replica.url, started.runtime.jwtSecret);
  await started.runtime.locks.setApplicationName(sessionNameFor(started.runtime.replica.url));

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      app.get(HealthService).startDraining();
      const grace = setTimeout(() => server.closeAllConnections(), config.shutdownGraceMs);
      try {
        metricsServer?.close();
        await app.close();
      } finally {
        clearTimeout(grace);
        await started.stop();
      }
    })());

  return { app, runtime: started.runtime, url, metricsUrl, stop };
}
