// An in-process gateway for a benchmark: its own DATA_DIR, silent logs, the in-process devnet unless XMTP_API_URL is
// given; `env` adds to or overrides those settings. close() stops it and removes the directory.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@mailroom/config';
import { startGateway } from '@mailroom/gateway';

/** Request rate limits raised out of the way, for benchmarks that measure a path rather than the limiter. */
export const UNLIMITED_RATES = { RATE_LIMIT_PER_MINUTE: '1000000', RATE_LIMIT_TENANT_PER_MINUTE: '10000000' };

export async function startBenchGateway(databaseUrl, env = {}) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-gateway-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
    DEVNET_PORT: '0',
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    ...env,
  });
  const gateway = await startGateway(config, { log: { info() {}, warn() {}, error() {} } });
  return {
    gateway,
    close: async () => {
      await gateway.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
