import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startDevnet } from '@mailroom/devnet';
import { createTestClients, type TestClients } from '@mailroom/xmtp/testing';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { bearer, createApiKey, signUpTenant } from '../support/factories.js';
import { REDIS_URL, startTestGateway, type TestGateway } from '../support/gateway.js';

export interface ReplicaPair {
  database: TestDatabase;
  devnet: Awaited<ReturnType<typeof startDevnet>>;
  a: TestGateway;
  b: TestGateway;
  /** One devnet client outside the gateways, to talk to. */
  peers: TestClients;
  /** An API key of a tenant signed up on replica A. */
  key: string;
  /** Stops whatever was started, in reverse order. */
  close(): Promise<void>;
}

/**
 * Two replicas on one database, one Redis, one devnet and one shared identity volume (a temp directory named after
 * `dirPrefix`), with the same keys; `env` adds to their settings. If a step fails, what was started is closed again.
 */
export async function startReplicaPair(dirPrefix: string, env: Record<string, string> = {}): Promise<ReplicaPair> {
  const pair: Partial<ReplicaPair> & { sharedDir?: string } = {};
  const close = async () => {
    await pair.peers?.cleanup();
    await pair.b?.close();
    await pair.a?.close();
    await pair.devnet?.stop();
    await pair.database?.drop();
    if (pair.sharedDir) await rm(pair.sharedDir, { recursive: true, force: true });
  };
  try {
    pair.database = await createTestDatabase();
    pair.devnet = await startDevnet({ port: 0 });
    pair.sharedDir = await mkdtemp(path.join(os.tmpdir(), dirPrefix));
    const replicaEnv = {
      DATABASE_URL: pair.database.url,
      REDIS_URL,
      DATA_DIR: pair.sharedDir,
      XMTP_API_URL: pair.devnet.url,
      GATEWAY_MASTER_KEY: randomBytes(32).toString('hex'),
      JWT_SECRET: randomBytes(32).toString('hex'),
      ...env,
    };
    pair.a = await startTestGateway(replicaEnv);
    pair.b = await startTestGateway(replicaEnv);
    const tenant = await signUpTenant(pair.a);
    pair.key = (await createApiKey(pair.a, tenant.adminToken)).key;
    pair.peers = await createTestClients(pair.devnet.url, 1);
  } catch (error) {
    await close();
    throw error;
  }
  return { ...(pair as ReplicaPair), close };
}

/** POSTs `body` as JSON with `key` to `gateway`; answers the status, the replica that served it and the JSON body. */
export async function postJson(
  gateway: TestGateway,
  key: string,
  route: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${gateway.url}${route}`, {
    method: 'POST',
    headers: { ...bearer(key), 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    replica: res.headers.get('x-mailroom-replica'),
    body: (await res.json()) as Record<string, unknown>,
  };
}
