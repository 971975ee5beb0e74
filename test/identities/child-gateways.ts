import { afterAll, beforeAll, expect } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startDevnet } from '@mailroom/devnet';
import { createTestClients, type TestClients } from '@mailroom/xmtp/testing';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { GATEWAY_MAIN, cleanEnv, runNode, type ChildRun } from '../support/process.js';

export interface ChildGatewayStage {
  readonly database: TestDatabase;
  readonly devnet: Awaited<ReturnType<typeof startDevnet>>;
  /** The DATA_DIR every gateway process shares (the devnet keeps its data below it too). */
  readonly dataDir: string;
  /** One devnet client outside the gateways, to talk to. */
  readonly peers: TestClients;
  /** Every gateway process started, oldest first. */
  readonly running: ChildRun[];
  /** Starts apps/gateway/dist/main.js (on `node`) with `env` on top of the stage's settings; resolves once it is ready. */
  start(
    env?: Record<string, string>,
    options?: { node?: string; readyTimeoutMs?: number },
  ): Promise<{ run: ChildRun; url: string }>;
  /** SIGTERM, and expects the process to exit 0. */
  stop(run: ChildRun): Promise<void>;
}

/**
 * Registers the suite's beforeAll/afterAll for gateway processes started one after another on one database, one devnet
 * and one DATA_DIR (a temp directory named after `dirPrefix`), as a restarted deployment would be; afterwards every
 * process still running is killed and the rest is removed.
 */
export function childGatewayStage(dirPrefix: string): ChildGatewayStage {
  let database: TestDatabase;
  let devnet: Awaited<ReturnType<typeof startDevnet>>;
  let dataDir: string;
  let peers: TestClients;
  const running: ChildRun[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await mkdtemp(path.join(os.tmpdir(), dirPrefix));
    devnet = await startDevnet({ port: 0, dataDir: path.join(dataDir, 'devnet-standalone') });
    peers = await createTestClients(devnet.url, 1);
  });

  afterAll(async () => {
    for (const run of running) if (run.child.exitCode === null) run.child.kill('SIGKILL');
    await peers?.cleanup();
    await devnet?.stop();
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  return {
    get database() {
      return database;
    },
    get devnet() {
      return devnet;
    },
    get dataDir() {
      return dataDir;
    },
    get peers() {
      return peers;
    },
    running,
    async start(env = {}, { node = process.execPath, readyTimeoutMs = 60_000 } = {}) {
      const settings = cleanEnv({
        DATA_DIR: dataDir,
        DATABASE_URL: database.url,
        XMTP_ENV: 'local',
        XMTP_API_URL: devnet.url,
        PORT: '0',
        HOST: '127.0.0.1',
        ...env,
      });
      const run = runNode(GATEWAY_MAIN, settings, [], node);
      running.push(run);
      const [, url] = await run.waitForOutput(/Mailroom gateway is ready on (http:\/\/\S+)/, readyTimeoutMs);
      return { run, url: url! };
    },
    async stop(run) {
      run.child.kill('SIGTERM');
      expect((await run.exited).code).toBe(0);
    },
  };
}
