import 'reflect-metadata';
import { ConfigError, loadConfig, type GatewayConfig } from '@mailroom/config';
import { limitHeapGrowth } from './heap-growth.js';
import { guardProcess } from './process-guards.js';

function readConfig(): GatewayConfig {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) process.stderr.write(`config error: ${problem}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

async function main(): Promise<void> {
  limitHeapGrowth();
  const config = readConfig();
  const guards = guardProcess(config.shutdownGraceMs);
  // Loaded only after the configuration is known to be good, so a bad start fails fast and touches nothing.
  const { startGateway } = await import('./gateway.js');
  const { xmtpSdk } = await import('@mailroom/xmtp');
  const gateway = await startGateway(config);
  guards.stopWith(() => gateway.stop());
  let signals = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) process.exit(130);
    process.stdout.write(`${JSON.stringify({ level: 30, time: Date.now(), msg: `${signal} received, draining` })}\n`);
    gateway.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  const base = config.http.publicBaseUrl ?? gateway.url;
  process.stdout.write(
    [
      '',
      `Mailroom gateway is ready on ${gateway.url}`,
      `  REST API      ${base}/v1`,
      `  OpenAPI docs  ${base}/docs`,
      `  GraphQL       ${base}/graphql`,
      `  Dashboard     ${base}/admin/`,
      `  Health        ${base}/healthz  ${base}/readyz  ${base}/metrics`,
      `  XMTP network  ${config.xmtp.env}`,
      `  XMTP node     ${xmtpNode(config.xmtp.env, gateway.runtime.xmtp)}`,
      ...(gateway.runtime.xmtp.gatewayHost
        ? [`  XMTP gateway  ${new URL(gateway.runtime.xmtp.gatewayHost).origin} (XMTP Gateway Service)`]
        : []),
      `  XMTP SDK      @xmtp/node-sdk ${xmtpSdk().version} (XMTP_SDK=${config.xmtp.sdk})`,
      `  Database      ${gateway.runtime.database.embedded ? `embedded PostgreSQL under ${config.dataDir}/postgres` : 'DATABASE_URL'}`,
      '',
    ].join('\n') + '\n',
  );
}

function xmtpNode(env: string, xmtp: { apiUrl?: string; inProcessDevnet: boolean }): string {
  if (!xmtp.apiUrl) return `none set: the SDK's default for ${env}`;
  return `${new URL(xmtp.apiUrl).origin}${xmtp.inProcessDevnet ? ' (in-process devnet)' : ''}`;
}

main().catch((error: unknown) => {
  // A configuration only the loaded XMTP SDK could judge (XMTP_ENV under XMTP_SDK=auto) is refused like any other.
  if (error instanceof ConfigError) {
    for (const problem of error.problems) process.stderr.write(`config error: ${problem}\n`);
    process.exit(78);
  }
  process.stderr.write(`Mailroom failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
