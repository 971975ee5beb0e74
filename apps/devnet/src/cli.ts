#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { DEFAULT_DEVNET_PORT, defaultHistoryPort, startDevnet } from './devnet.js';
import { DEFAULT_HISTORY_MAX_UPLOAD_BYTES, DEFAULT_HISTORY_RETENTION_MS } from './history/history-server.js';
import { isLogLevel } from './logger.js';

const usage = `Usage: npm run devnet -- [--port 5556] [--history-port <port+2>] [--host 127.0.0.1] [--data-dir ./devnet-data] [--fsync]
       [--history-max-upload-mib 100] [--history-retention-hours 168] [--no-history] [--log-level debug|info|warn|error|silent]
Environment: DEVNET_PORT, DEVNET_HISTORY_PORT, DEVNET_HOST, DEVNET_DATA_DIR, DEVNET_HISTORY_MAX_UPLOAD_MIB,
DEVNET_HISTORY_RETENTION_HOURS, DEVNET_LOG_LEVEL.`;

const MIB = 1024 * 1024;

function portOf(name: string, value: string): number {
  const port = Number(value);
  if (value.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`invalid ${name}: ${value}`);
  return port;
}

function positiveNumber(name: string, value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number <= 0) throw new Error(`invalid ${name}: ${value}`);
  return number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'history-port': { type: 'string' },
      'history-max-upload-mib': { type: 'string' },
      'history-retention-hours': { type: 'string' },
      'no-history': { type: 'boolean' },
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
  const port = portOf('port', values.port ?? process.env.DEVNET_PORT ?? String(DEFAULT_DEVNET_PORT));
  const historyPortValue = values['history-port'] ?? process.env.DEVNET_HISTORY_PORT;
  const historyPort = values['no-history']
    ? null
    : historyPortValue === undefined
      ? portOf('history port (port + 2)', String(defaultHistoryPort(port)))
      : portOf('history port', historyPortValue);
  const maxUploadMib = values['history-max-upload-mib'] ?? process.env.DEVNET_HISTORY_MAX_UPLOAD_MIB;
  const retentionHours = values['history-retention-hours'] ?? process.env.DEVNET_HISTORY_RETENTION_HOURS;
  const logLevel = values['log-level'] ?? process.env.DEVNET_LOG_LEVEL ?? 'info';
  if (!isLogLevel(logLevel)) throw new Error(`invalid log level: ${logLevel}`);

  // Listen for the stop signals before starting, so a signal that arrives while the devnet starts (or just as it
  // reports ready) stops it cleanly instead of killing the process with its files half written.
  let requested: string | undefined;
  let onSignal = (signal: string) => {
    requested ??= signal;
  };
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.once('SIGTERM', () => onSignal('SIGTERM'));

  const devnet = await startDevnet({
    port,
    historyPort,
    historyMaxUploadBytes:
      maxUploadMib === undefined
        ? DEFAULT_HISTORY_MAX_UPLOAD_BYTES
        : Math.floor(positiveNumber('history max upload (MiB)', maxUploadMib) * MIB),
    historyRetentionMs:
      retentionHours === undefined
        ? DEFAULT_HISTORY_RETENTION_MS
        : positiveNumber('history retention (hours)', retentionHours) * 3600 * 1000,
    host: values.host ?? process.env.DEVNET_HOST,
    dataDir: values['data-dir'] ?? process.env.DEVNET_DATA_DIR,
    fsync: values.fsync,
    logLevel,
  });
  // One line each: tools read the first with /devnet ready at (\S+)/.
  process.stdout.write(`devnet ready at ${devnet.url}\n`);
  if (devnet.historyUrl) process.stdout.write(`history sync at ${devnet.historyUrl}\n`);

  onSignal = (signal: string) => {
    process.stderr.write(`devnet: ${signal}, stopping\n`);
    devnet.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`devnet: stop failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  if (requested) onSignal(requested);
}

main().catch((error: unknown) => {
  process.stderr.write(`devnet: ${error instanceof Error ? error.message : String(error)}\n${usage}\n`);
  process.exit(1);
});
