#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { DEFAULT_DEVNET_PORT, startDevnet } from './devnet.js';
import { isLogLevel } from './logger.js';

const usage = `Usage: npm run devnet -- [--port 5556] [--host 127.0.0.1] [--data-dir ./devnet-data] [--fsync] [--log-level debug|info|warn|error|silent]
Environment: DEVNET_PORT, DEVNET_HOST, DEVNET_DATA_DIR, DEVNET_LOG_LEVEL.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      fsync: { type: 'boolean' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const port = Number(values.port ?? process.env.DEVNET_PORT ?? DEFAULT_DEVNET_PORT);
  const logLevel = values['log-level'] ?? process.env.DEVNET_LOG_LEVEL ?? 'info';
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port: ${values.port}`);
  if (!isLogLevel(logLevel)) throw new Error(`invalid log level: ${logLevel}`);

  const devnet = await startDevnet({
    port,
    host: values.host ?? process.env.DEVNET_HOST,
    dataDir: values['data-dir'] ?? process.env.DEVNET_DATA_DIR,
    fsync: values.fsync,
    logLevel,
  });
  process.stdout.write(`devnet ready at ${devnet.url}\n`);

  const shutdown = (signal: string) => {
    process.stderr.write(`devnet: ${signal}, stopping\n`);
    devnet.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`devnet: stop failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`devnet: ${error instanceof Error ? error.message : String(error)}\n${usage}\n`);
  process.exit(1);
});
