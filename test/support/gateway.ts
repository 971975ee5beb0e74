import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@mailroom/config';
import { startGateway, type CreateAppOptions, type RunningGateway } from '@mailroom/gateway';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestGateway extends RunningGateway {
  readonly dataDir: string;
  /** Stops the gateway and removes its data directory. */
  close(): Promise<void>;
}

/**
 * The XMTP node the gateway's clients use (a test gateway on XMTP_ENV=local starts its own devnet), for peer clients
 * that must share that network.
 */
export function xmtpNodeUrl(gateway: Pick<RunningGateway, 'runtime'>): string {
  const url = gateway.runtime.xmtp.apiUrl;
  if (!url) throw new Error('the test gateway has no XMTP node URL (XMTP_ENV=local runs a devnet and names it)');
  return url;
}

const silentLog = { info: () => {}, warn: () => {}, error: () => {} };

/** Starts a real gateway in this process on a free port, with its own data directory. */
export async function startTestGateway(
  env: Record<string, string | undefined>,
  options: CreateAppOptions = {},
): Promise<TestGateway> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'mailroom-gw-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
    DEVNET_PORT: '0',
    DATA_DIR: dataDir,
    ...env,
  });
  const gateway = await startGateway(config, { ...options, log: silentLog });
  return {
    ...gateway,
    dataDir,
    close: async () => {
      await gateway.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
