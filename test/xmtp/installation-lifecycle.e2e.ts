// Inbox state, the installation budget, revocation and destroy, checked from an external peer on a real devnet.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startDevnet, type Devnet } from '@mailroom/devnet';
import { PgAdvisoryIdentityLocks } from '@mailroom/persistence';
import { eoaWallet, InstallationPool, type InstallationBudgetEvent } from '@mailroom/xmtp';
import { createTestClients, type TestClient, type TestClients } from '@mailroom/xmtp/testing';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { hostedIdentity, registerHosted } from './support/hosted.js';

describe('InstallationPool: inbox state, budget, revocation, destroy', () => {
  let devnet: Devnet;
  let db: TestDatabase;
  let dir: string;
  let locks: PgAdvisoryIdentityLocks;
  let pool: InstallationPool;
  let peers: TestClients;
  let peer: TestClient;
  const budgetEvents: InstallationBudgetEvent[] = [];
  const warnings: Array<{ obj: object; msg?: string }> = [];
  const logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (obj: object, msg?: string) => warnings.push({ obj, msg }),
    error: () => undefined,
  };

  beforeAll(async () => {
    devnet = await startDevnet({ port: 0 });
    db = await createTestDatabase({ migrate: false });
    dir = await mkdtemp(path.join(os.tmpdir(), 'mailroom-pool-life-'));
    locks = new PgAdvisoryIdentityLocks({ connectionString: db.url });
    pool = new InstallationPool({
      env: 'local',
      apiUrl: devnet.url,
      maxLive: 10,
      locks,
      logger,
      onInstallationBudget: (event) => void budgetEvents.push(event),
    });
    peers = await createTestClients(devnet.url, 1);
    peer = peers.clients[0]!;
  });

  afterAll(async () => {
    await pool?.close();
    await locks?.close();
    await peers?.cleanup();
    await devnet?.stop();
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports installations with creation times, identifiers and the identity-update count', async () => {
    const identity = hostedIdentity(dir);
    const before = Date.now();
    await registerHosted(pool, identity);
    const state = await pool.inboxState(identity.ref);
    expect(state).toMatchObject({
      inboxId: identity.ref.inboxId,
      installationCount: 1,
      installationLimit: 10,
      identityUpdateCount: 1, // create_inbox + add installation, published as one update
      identityUpdateLimit: 256,
      identifiers: [{ identifier: identity.ref.address, kind: 'ethereum' }],
    });
    expect(state.installations.map((i) => i.id)).toEqual([identity.ref.installationId]);
    expect(state.installations[0]!.createdAt!.getTime()).toBeGreaterThanOrEqual(before - 5_000);
    expect(state.installations[0]!.createdAt!.getTime()).toBeLessThanOrEqual(Date.now() + 5_000);
    expect(budgetEvents.filter((e) => e.identityId === identity.ref.identityId)).toEqual([]);
  });

  it('calls the budget callback at 8 of 10 installations and revokes all others statically', async () => {
    const identity = hostedIdentity(dir);
    await registerHosted(pool, identity);
    // 7 more installations of the same wallet elsewhere (raw SDK clients): 8 in all
    const wallet = eoaWallet(identity.secrets.walletPrivateKey);
    for (let i = 0; i < 6; i++) await peers.add(wallet);
    expect(budgetEvents.filter((e) => e.identityId === identity.ref.identityId)).toEqual([]);
    const seventh = await peers.add(wallet);

    let state = await pool.inboxState(identity.ref);
    expect(state.installationCount).toBe(8);
    expect(state.identityUpdateCount).toBe(8);
    expect(budgetEvents.filter((e) => e.identityId === identity.ref.identityId)).toEqual([
      {
        identityId: identity.ref.identityId,
        inboxId: identity.ref.inboxId,
        installationCount: 8,
        installationLimit: 10,
      },
    ]);
    expect(
      warnings.some(
        (w) => (w.obj as InstallationBudgetEvent).identityId === identity.ref.identityId && /8 of 10/.test(w.msg ?? ''),
      ),
    ).toBe(true);

    // after register too: a crash-resumed registration of the hosted identity reports the budget
    await pool.release(identity.ref.identityId);
    expect((await pool.register(identity.ref, identity.keys)).installationCount).toBe(8);
    expect(budgetEvents.filter((e) => e.identityId === identity.ref.identityId)).toHaveLength(2);

    await expect(pool.revokeInstallations(identity.ref, identity.keys, [identity.ref.installationId!])).rejects.toThrow(
      'own installation',
    );
    await pool.revokeInstallations(identity.ref, identity.keys, [seventh.installationId]);
    expect((await pool.inboxState(identity.ref)).installationCount).toBe(7);

    const revoked = await pool.revokeAllOtherInstallations(identity.ref, identity.keys);
    expect(revoked).toHaveLength(6);
    state = await pool.inboxState(identity.ref);
    expect(state.installations.map((i) => i.id)).toEqual([identity.ref.installationId]);
    expect(state.identityUpdateCount).toBe(10); // 1 create + 7 adds + 2 revocations

    // the hosted installation still works
    expect(
      await pool.use(
        identity.ref,
        identity.keys,
        async (client) => (await client.conversations.createDm(peer.inboxId)).id,
      ),
    ).toBeTruthy();
  });

  it('destroy revokes the installation on the network and deletes the database files', async () => {
    const identity = hostedIdentity(dir);
    await registerHosted(pool, identity);
    await pool.use(identity.ref, identity.keys, async (client) =>
      (await client.conversations.createDm(peer.inboxId)).sendText('last words'),
    );
    expect(pool.isLive(identity.ref.identityId)).toBe(true);

    await pool.destroy(identity.ref, identity.keys);

    expect(pool.isLive(identity.ref.identityId)).toBe(false);
    expect((await readdir(dir)).filter((f) => f.startsWith(path.basename(identity.ref.dbPath)))).toEqual([]);
    const [seenByPeer] = await peer.client.preferences.fetchInboxStates([identity.ref.inboxId!]);
    expect(seenByPeer!.installations).toEqual([]);
    expect((await pool.inboxState(identity.ref)).installationCount).toBe(0);
    await pool.destroy(identity.ref, identity.keys); // idempotent
  });

  it('destroy of an idle identity whose record lacks the installation id reads it from the database first', async () => {
    const identity = hostedIdentity(dir);
    const { inboxId } = await pool.register(identity.ref, identity.keys);
    await pool.release(identity.ref.identityId);
    await pool.destroy(identity.ref, identity.keys);
    const [state] = await peer.client.preferences.fetchInboxStates([inboxId]);
    expect(state!.installations).toEqual([]);
  });
});
