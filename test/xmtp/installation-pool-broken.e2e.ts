// Broken identities: the pool reports them and never registers a replacement installation or touches the file.
import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startDevnet, type Devnet } from '@mailroom/devnet';
import { PgAdvisoryIdentityLocks } from '@mailroom/persistence';
import { databaseFiles, IdentityBrokenError, InstallationPool, type IdentityBrokenReason } from '@mailroom/xmtp';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { hostedIdentity, registerHosted, type HostedIdentity } from './support/hosted.js';

const sha256 = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

describe('InstallationPool: broken identities', () => {
  let devnet: Devnet;
  let db: TestDatabase;
  let dir: string;
  let locks: PgAdvisoryIdentityLocks;
  let otherLocks: PgAdvisoryIdentityLocks;
  let pool: InstallationPool;

  const expectBroken = async (promise: Promise<unknown>, reason: IdentityBrokenReason) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(error instanceof IdentityBrokenError)) throw error;
    expect((error as IdentityBrokenError).reason).toBe(reason);
  };

  /** A registered identity whose client has been closed again, so the next use activates from disk. */
  const registeredAndIdle = async (): Promise<HostedIdentity> => {
    const identity = hostedIdentity(dir);
    await registerHosted(pool, identity);
    await pool.release(identity.ref.identityId);
    return identity;
  };

  const expectLockFree = async (identity: HostedIdentity) => {
    expect(await otherLocks.tryAcquire(identity.ref.identityId)).toBe(true);
    await otherLocks.release(identity.ref.identityId);
  };

  beforeAll(async () => {
    devnet = await startDevnet({ port: 0 });
    db = await createTestDatabase({ migrate: false });
    dir = await mkdtemp(path.join(os.tmpdir(), 'mailroom-pool-broken-'));
    locks = new PgAdvisoryIdentityLocks({ connectionString: db.url });
    otherLocks = new PgAdvisoryIdentityLocks({ connectionString: db.url });
    pool = new InstallationPool({ env: 'local', apiUrl: devnet.url, maxLive: 10, locks });
  });

  afterAll(async () => {
    await pool?.close();
    await locks?.close();
    await otherLocks?.close();
    await devnet?.stop();
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('missing database: broken, no file created, no new installation, and register refuses too', async () => {
    const identity = await registeredAndIdle();
    for (const file of databaseFiles(identity.ref.dbPath)) await rm(file, { force: true });

    await expectBroken(
      pool.use(identity.ref, identity.keys, () => 'opened'),
      'database_missing',
    );
    await expectBroken(pool.register(identity.ref, identity.keys), 'database_missing');
    expect((await readdir(dir)).filter((f) => f.startsWith(path.basename(identity.ref.dbPath)))).toEqual([]);
    expect((await pool.inboxState(identity.ref)).installationCount).toBe(1);
    expect(pool.isLive(identity.ref.identityId)).toBe(false);
    await expectLockFree(identity);
  });

  it('wrong database key: broken, the file is unchanged, no new installation', async () => {
    const identity = await registeredAndIdle();
    const before = await sha256(identity.ref.dbPath);
    const wrongKeys = () => ({ ...identity.secrets, dbEncryptionKey: new Uint8Array(randomBytes(32)) });

    await expectBroken(
      pool.use(identity.ref, wrongKeys, () => 'opened'),
      'database_key_rejected',
    );
    await expectBroken(pool.register(identity.ref, wrongKeys), 'database_key_rejected');
    expect(await sha256(identity.ref.dbPath)).toBe(before);
    expect((await pool.inboxState(identity.ref)).installationCount).toBe(1);
    await expectLockFree(identity);

    // the right key still works afterwards
    expect(await pool.use(identity.ref, identity.keys, (client) => client.installationId)).toBe(
      identity.ref.installationId,
    );
    await pool.release(identity.ref.identityId);
  });

  it('installation id differs from the record: broken', async () => {
    const identity = await registeredAndIdle();
    const ref = { ...identity.ref, installationId: 'ab'.repeat(32) };
    await expectBroken(
      pool.use(ref, identity.keys, () => 'opened'),
      'installation_mismatch',
    );
    expect(pool.isLive(identity.ref.identityId)).toBe(false);
    expect((await pool.inboxState(identity.ref)).installationCount).toBe(1);
    await expectLockFree(identity);
  });

  it("another identity's database at the path (its key opens it): broken, not silently adopted", async () => {
    const mine = await registeredAndIdle();
    const theirs = await registeredAndIdle();
    for (const file of databaseFiles(mine.ref.dbPath)) await rm(file, { force: true });
    await copyFile(theirs.ref.dbPath, mine.ref.dbPath);
    await copyFile(`${theirs.ref.dbPath}.sqlcipher_salt`, `${mine.ref.dbPath}.sqlcipher_salt`).catch(() => undefined);
    const keys = () => ({ ...mine.secrets, dbEncryptionKey: theirs.secrets.dbEncryptionKey });
    await expectBroken(
      pool.use(mine.ref, keys, () => 'opened'),
      'installation_mismatch',
    );
    expect((await pool.inboxState(mine.ref)).installationCount).toBe(1);
    expect((await pool.inboxState(theirs.ref)).installationCount).toBe(1);
  });
});
