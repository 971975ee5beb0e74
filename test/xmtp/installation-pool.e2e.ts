// InstallationPool on a real devnet and real Postgres locks: activation, eviction, shared activations, write queue,
// two processes on one identity, fencing and shutdown.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startDevnet, type Devnet } from '@mailroom/devnet';
import { PgAdvisoryIdentityLocks } from '@mailroom/persistence';
import { IdentityBusyError, IdentityLockLostError, InstallationPool } from '@mailroom/xmtp';
import { type Client, type DecodedMessage } from '@xmtp/node-sdk';
import { createTestClients, type TestClient, type TestClients } from '@mailroom/xmtp/testing';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { waitFor } from '../devnet/support.js';
import { hostedIdentity, registerHosted } from './support/hosted.js';

const textsOf = (messages: DecodedMessage[]) =>
  messages.filter((m) => typeof m.content === 'string').map((m) => m.content as string);

async function textsFrom(client: Client<unknown>, peerInboxId: string): Promise<string[]> {
  await client.conversations.sync();
  const dm = await client.conversations.getDmByInboxId(peerInboxId);
  if (!dm) return [];
  await dm.sync();
  return textsOf(await dm.messages());
}

describe('InstallationPool', () => {
  let devnet: Devnet;
  let db: TestDatabase;
  let dir: string;
  let peers: TestClients;
  let peer: TestClient;
  const cleanups: Array<() => Promise<void>> = [];

  const newPool = (maxLive: number) => {
    const locks = new PgAdvisoryIdentityLocks({ connectionString: db.url, reconnectDelayMs: 100, pingIntervalMs: 500 });
    const pool = new InstallationPool({ env: 'local', apiUrl: devnet.url, maxLive, locks });
    cleanups.push(async () => {
      await pool.close();
      await locks.close();
    });
    return { pool, locks };
  };

  beforeAll(async () => {
    devnet = await startDevnet({ port: 0 });
    db = await createTestDatabase({ migrate: false });
    dir = await mkdtemp(path.join(os.tmpdir(), 'mailroom-pool-'));
    peers = await createTestClients(devnet.url, 1);
    peer = peers.clients[0]!;
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await peers?.cleanup();
    await devnet?.stop();
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('registers, evicts beyond maxLive, and reactivates the same installation that still sends and receives', async () => {
    const { pool } = newPool(2);
    const identities = [hostedIdentity(dir), hostedIdentity(dir), hostedIdentity(dir)];
    for (const identity of identities) {
      const registered = await registerHosted(pool, identity);
      expect(registered.installationCount).toBe(1);
      await pool.use(identity.ref, identity.keys, async (client) => {
        const dm = await client.conversations.createDm(peer.inboxId);
        await dm.sendText(`hello from ${identity.ref.identityId}`);
      });
    }
    expect(pool.stats()).toMatchObject({ live: 2, maxLive: 2, registrations: 3, evictions: 1 });
    expect(pool.isLive(identities[0]!.ref.identityId)).toBe(false);

    // The evicted one comes back from disk: same installation, no new one on the network.
    const first = identities[0]!;
    const readsBefore = first.keyReads;
    const installationId = await pool.use(first.ref, first.keys, (client) => client.installationId);
    expect(installationId).toBe(first.ref.installationId);
    expect(first.keyReads).toBe(readsBefore + 1);
    expect(pool.stats()).toMatchObject({ live: 2, activations: 1, evictions: 2 });
    expect((await pool.inboxState(first.ref)).installationCount).toBe(1);

    // and still talks both ways with an external peer
    await pool.use(first.ref, first.keys, async (client) => {
      const dm = await client.conversations.createDm(peer.inboxId);
      await dm.sendText('after reactivation');
    });
    await waitFor(
      async () => (await textsFrom(peer.client, first.ref.inboxId!)).includes('after reactivation'),
      15_000,
      'peer to receive',
    );
    const peerDm = await peer.client.conversations.createDm(first.ref.inboxId!);
    await peerDm.sendText('peer reply');
    await waitFor(
      () =>
        pool.use(first.ref, first.keys, async (client) =>
          (await textsFrom(client, peer.inboxId)).includes('peer reply'),
        ),
      15_000,
      'pool identity to receive',
    );
    expect(textsOf(await peerDm.messages())).toEqual(
      expect.arrayContaining([`hello from ${first.ref.identityId}`, 'after reactivation', 'peer reply']),
    );
  });

  it('shares one activation between concurrent callers and reads keys once', async () => {
    const { pool } = newPool(5);
    const identity = hostedIdentity(dir);
    await registerHosted(pool, identity);
    await pool.release(identity.ref.identityId);
    identity.keyReads = 0;
    const ids = await Promise.all(
      Array.from({ length: 8 }, () => pool.use(identity.ref, identity.keys, (client) => client.installationId)),
    );
    expect(new Set(ids)).toEqual(new Set([identity.ref.installationId]));
    expect(pool.stats().activations).toBe(1);
    expect(identity.keyReads).toBe(1);
  });

  it('serializes concurrent writes of one identity so none fails', async () => {
    const { pool } = newPool(5);
    const identity = hostedIdentity(dir);
    await registerHosted(pool, identity);
    const dmId = await pool.use(
      identity.ref,
      identity.keys,
      async (client) => (await client.conversations.createDm(peer.inboxId)).id,
      { write: true },
    );
    let running = 0;
    let maxRunning = 0;
    const texts = Array.from({ length: 20 }, (_, i) => `burst ${i}`);
    await Promise.all(
      texts.map((text) =>
        pool.use(
          identity.ref,
          identity.keys,
          async (client) => {
            maxRunning = Math.max(maxRunning, ++running);
            try {
              const dm = await client.conversations.getConversationById(dmId);
              await dm!.sendText(text);
            } finally {
              running--;
            }
          },
          { write: true },
        ),
      ),
    );
    expect(maxRunning).toBe(1);
    const received = await waitFor(
      async () => {
        const burst = (await textsFrom(peer.client, identity.ref.inboxId!)).filter((t) => t.startsWith('burst '));
        return burst.length >= texts.length && burst;
      },
      20_000,
      'the 20 messages at the peer',
    );
    expect([...received].sort()).toEqual([...texts].sort());
  });

  it('never opens an identity held by another process; hands it over on release', async () => {
    const a = newPool(5);
    const b = newPool(5);
    const identity = hostedIdentity(dir);
    await registerHosted(a.pool, identity);
    identity.keyReads = 0;

    await expect(b.pool.use(identity.ref, identity.keys, () => 'opened')).rejects.toBeInstanceOf(IdentityBusyError);
    await expect(b.pool.register(identity.ref, identity.keys)).rejects.toBeInstanceOf(IdentityBusyError);
    await expect(b.pool.destroy(identity.ref, identity.keys)).rejects.toBeInstanceOf(IdentityBusyError);
    expect(identity.keyReads).toBe(0); // b never even decrypted the key it would need to open the database
    expect(b.pool.stats()).toMatchObject({ live: 0, activations: 0 });

    await a.pool.release(identity.ref.identityId);
    expect(await b.pool.use(identity.ref, identity.keys, (client) => client.installationId)).toBe(
      identity.ref.installationId,
    );
    await expect(a.pool.use(identity.ref, identity.keys, () => 'opened')).rejects.toBeInstanceOf(IdentityBusyError);
    expect((await b.pool.inboxState(identity.ref)).installationCount).toBe(1);
  });

  it('fences: losing the lock session closes every live client at once, and another process takes over', async () => {
    const a = newPool(5);
    const b = newPool(5);
    const identities = [hostedIdentity(dir), hostedIdentity(dir)];
    for (const identity of identities) await registerHosted(a.pool, identity);
    expect(a.pool.stats().live).toBe(2);

    // a caller in the middle of a write when the lock goes
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const inFlight = a.pool.use(identities[0]!.ref, identities[0]!.keys, () => gate, { write: true });
    const queued = a.pool.use(identities[0]!.ref, identities[0]!.keys, () => 'ran', { write: true });

    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query('SELECT pg_terminate_backend($1)', [a.locks.backendPid]);
    await admin.end();

    await waitFor(() => a.pool.stats().live === 0, 10_000, 'fencing');
    release();
    await inFlight;
    await expect(queued).rejects.toBeInstanceOf(IdentityLockLostError);
    for (const identity of identities) {
      expect(await b.pool.use(identity.ref, identity.keys, (client) => client.installationId)).toBe(
        identity.ref.installationId,
      );
    }
    await expect(a.pool.use(identities[1]!.ref, identities[1]!.keys, () => 'opened')).rejects.toBeInstanceOf(
      IdentityBusyError,
    );
  });

  it('resumes an interrupted registration: same key and database file give the same installation', async () => {
    const { pool } = newPool(5);
    const identity = hostedIdentity(dir);
    const first = await pool.register(identity.ref, identity.keys); // the process "crashed" before saving the ids
    await pool.release(identity.ref.identityId);
    const again = await pool.register(identity.ref, identity.keys);
    expect(again).toEqual({ ...first, installationCount: 1 });
  });

  it('close() releases every lock so another process can take the identities', async () => {
    const a = newPool(5);
    const b = newPool(5);
    const identity = hostedIdentity(dir);
    await registerHosted(a.pool, identity);
    await a.pool.close();
    expect(a.pool.stats().live).toBe(0);
    expect(await b.pool.use(identity.ref, identity.keys, (client) => client.installationId)).toBe(
      identity.ref.installationId,
    );
    await expect(a.pool.use(identity.ref, identity.keys, () => 1)).rejects.toThrow('closed');
  });
});
