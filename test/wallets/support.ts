// Shared by the wallet, broadcast and push suites: a standalone devnet, a database and a data directory that outlive
// gateway restarts, explicit secrets (so a restarted gateway opens the same sealed keys), and REST helpers.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startDevnet } from '@mailroom/devnet';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { bearer } from '../support/factories.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { pollUntil, type PollCheck } from '../support/wait.js';

export interface Reply<T = any> {
  status: number;
  body: T;
}

export interface Stage {
  database: TestDatabase;
  devnet: Awaited<ReturnType<typeof startDevnet>>;
  dataDir: string;
  /** Environment of every gateway of the suite: same database, DATA_DIR, devnet and secrets. */
  env: Record<string, string>;
  startGateway(extra?: Record<string, string>): Promise<TestGateway>;
  close(): Promise<void>;
}

export async function createStage(name: string): Promise<Stage> {
  const database = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `mailroom-${name}-`));
  const devnet = await startDevnet({ port: 0, dataDir: path.join(dataDir, 'devnet') });
  const env = {
    DATABASE_URL: database.url,
    DATA_DIR: path.join(dataDir, 'gateway'),
    XMTP_ENV: 'local',
    XMTP_API_URL: devnet.url,
    GATEWAY_MASTER_KEY: randomBytes(32).toString('hex'),
    JWT_SECRET: randomBytes(32).toString('hex'),
    OUTBOUND_ALLOWLIST: '127.0.0.1',
  };
  return {
    database,
    devnet,
    dataDir,
    env,
    startGateway: (extra = {}) => startTestGateway({ ...env, ...extra }),
    close: async () => {
      await devnet.stop();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function caller(base: () => string, credential: () => string) {
  return async <T = any>(
    method: string,
    route: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply<T>> => {
    const res = await fetch(`${base()}${route}`, {
      method,
      headers: {
        ...bearer(credential()),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
}

/** Polls until `check` returns something other than undefined/false. */
export function waitFor<T>(check: PollCheck<T>, what: string, timeoutMs = 20_000): Promise<T> {
  return pollUntil(check, what, timeoutMs, 150);
}
