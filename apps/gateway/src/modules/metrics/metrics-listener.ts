import { createServer, type Server } from 'node:http';
import type { GatewayConfig } from '@mailroom/config';
import { metricsAccess } from './metrics-access.js';
import type { MetricsService } from './metrics.service.js';

/** `/metrics` on its own port (METRICS_PORT), so the public listener never serves it. Resolves once listening. */
export async function startMetricsListener(
  config: GatewayConfig,
  metrics: MetricsService,
): Promise<Server | undefined> {
  if (config.metrics.port === undefined) return undefined;
  const server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    if (metricsAccess(config, 'metrics', request.headers.authorization) !== 'allowed') {
      response.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
      return;
    }
    metrics.render().then(
      ({ contentType, body }) =>
        response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.metrics.port, config.http.host, () => resolve());
  });
  return server;
}
