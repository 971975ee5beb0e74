import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  KeyVault,
  PrismaMasterKeyCheckStore,
  holdMasterKeyLease,
  openKeyVault,
  startKeyVault,
} from '@mailroom/key-vault';
import { createPrismaClient, type PrismaClient } from '@mailroom/persistence';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { REPO_ROOT, cleanEnv, runNode } from '../support/process.js';
import { hexKey, keyMaterialSnapshot, openAll, seedIdentities, vaultOf, type SeededIdentity } from './support.js';

/** `npm run keys:rotate` as an operator runs it: the built script as a child process against a real database. */
const ROTATE = path.join(REPO_ROOT, 'scripts/keys-rotate.mjs');
const quietLog = { info: () => {}, warn: () => {} };

async function rotate(env: Record<string, string>, args: string[] = []) {
  const run = runNode(ROTATE, cleanEnv(env), args);
  const exit = await run.exited;
  return { ...exit, stdout: run.stdout(), stderr: run.stderr() };
}

function expectNoKeyMaterial(output: string, ...keys: string[]): void {
  for (const key of keys) {
    expect(output).not.toContain(key);
    expect(output).not.toContain(Buffer.from(key, 'hex').toString('base64'));
  }
}

let db: TestDatabase;
let prisma: PrismaClient;
const dirs: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url);
});

afterAll(async () => {
  await prisma.$disconnect();
  await db.drop();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('keys:rotate with GATEWAY_MASTER_KEY and NEW_GATEWAY_MASTER_KEY', () => {
  const keyA = hexKey();
  const keyB = hexKey();
  const keyC = hexKey();
  let seeded: SeededIdentity[];

  beforeAll(async () => {
    const { vault } = await openKeyVault({
      masterKey: Buffer.from(keyA, 'hex'),
      checkStore: new PrismaMasterKeyCheckStore(prisma),
    });
    seeded = await seedIdentities(prisma, vault, 5);
  });

  it('re-wraps every data key: material sealed before opens with the new key, the old key is refused', async () => {
    const before = JSON.parse(await keyMaterialSnapshot(prisma)) as {
      identities: { wrapped: string; wallet: string; db: string; updatedAt: string }[];
    };
    const result = await rotate({ DATABASE_URL: db.url, GATEWAY_MASTER_KEY: keyA, NEW_GATEWAY_MASTER_KEY: keyB });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `Re-wrapped 5 identity data key(s), 0 webhook secret key(s) and the master key check: master key id ${vaultOf(keyA).keyId} -> ${vaultOf(keyB).keyId}.\n` +
        'Set GATEWAY_MASTER_KEY to the new key before starting the gateway; the old key is refused from now on.\n',
    );
    expectNoKeyMaterial(result.stdout, keyA, keyB);

    const after = JSON.parse(await keyMaterialSnapshot(prisma)) as typeof before & {
      check: { keyId: string; rotatedAt: string | null };
    };
    after.identities.forEach((identity, i) => {
      expect(identity.wrapped).not.toBe(before.identities[i]!.wrapped);
      expect(identity.wallet).toBe(before.identities[i]!.wallet);
      expect(identity.db).toBe(before.identities[i]!.db);
      expect(identity.updatedAt).toBe(before.identities[i]!.updatedAt);
    });
    expect(after.check.keyId).toBe(vaultOf(keyB).keyId);
    expect(after.check.rotatedAt).not.toBeNull();

    expect(await openAll(prisma, vaultOf(keyB), seeded)).toBe(true);
    await expect(
      openKeyVault({ masterKey: Buffer.from(keyA, 'hex'), checkStore: new PrismaMasterKeyCheckStore(prisma) }),
    ).rejects.toMatchObject({
      code: 'MASTER_KEY_MISMATCH',
    });
  });

  it('says there is nothing to do when run again after it committed', async () => {
    const before = await keyMaterialSnapshot(prisma);
    const result = await rotate({ DATABASE_URL: db.url, GATEWAY_MASTER_KEY: keyA, NEW_GATEWAY_MASTER_KEY: keyB });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`Nothing to do: the database is already on master key id ${vaultOf(keyB).keyId}.\n`);
    expect(await keyMaterialSnapshot(prisma)).toBe(before);
  });

  it('refuses a current key that is not the database key, naming both key ids, changing nothing', async () => {
    const before = await keyMaterialSnapshot(prisma);
    const result = await rotate({ DATABASE_URL: db.url, GATEWAY_MASTER_KEY: keyC, NEW_GATEWAY_MASTER_KEY: hexKey() });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      `keys:rotate failed: master key mismatch: this database was set up with master key id ${vaultOf(keyB).keyId}, but GATEWAY_MASTER_KEY has key id ${vaultOf(keyC).keyId}; ` +
        'start with the original master key (or change it with npm run keys:rotate). Nothing was changed.\n',
    );
    expect(await keyMaterialSnapshot(prisma)).toBe(before);
  });

  it('rolls everything back when it fails before the commit', async () => {
    const before = await keyMaterialSnapshot(prisma);
    const result = await rotate({
      DATABASE_URL: db.url,
      GATEWAY_MASTER_KEY: keyB,
      NEW_GATEWAY_MASTER_KEY: keyC,
      MAILROOM_TEST_KEYS_ROTATE_CRASH: 'before-commit',
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('keys:rotate failed: injected failure before commit\n');
    expect(await keyMaterialSnapshot(prisma)).toBe(before);
    expect(await openAll(prisma, vaultOf(keyB), seeded)).toBe(true);
  });

  it('is recoverable after a crash right after the commit: the next run finds the work done', async () => {
    const crashed = await rotate({
      DATABASE_URL: db.url,
      GATEWAY_MASTER_KEY: keyB,
      NEW_GATEWAY_MASTER_KEY: keyC,
      MAILROOM_TEST_KEYS_ROTATE_CRASH: 'after-commit',
    });
    expect(crashed.signal).toBe('SIGKILL');
    const rerun = await rotate({ DATABASE_URL: db.url, GATEWAY_MASTER_KEY: keyB, NEW_GATEWAY_MASTER_KEY: keyC });
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toBe(`Nothing to do: the database is already on master key id ${vaultOf(keyC).keyId}.\n`);
    expect(await openAll(prisma, vaultOf(keyC), seeded)).toBe(true);
  });

  it('refuses while a gateway holds the master key lease', async () => {
    const lease = await holdMasterKeyLease(db.url, () => {});
    try {
      const result = await rotate({ DATABASE_URL: db.url, GATEWAY_MASTER_KEY: keyC, NEW_GATEWAY_MASTER_KEY: hexKey() });
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^keys:rotate failed: a gateway is running on this database/);
    } finally {
      await lease.release();
    }
  });

  it.each([
    ['no new key', {}, [], 'give the new key as NEW_GATEWAY_MASTER_KEY or pass --generate (one of the two)'],
    [
      'a malformed new key',
      { NEW_GATEWAY_MASTER_KEY: 'abc' },
      [],
      'NEW_GATEWAY_MASTER_KEY must be 32 bytes as 64 hex characters or base64',
    ],
    [
      'two new keys',
      { NEW_GATEWAY_MASTER_KEY: hexKey() },
      ['--generate'],
      'give the new key as NEW_GATEWAY_MASTER_KEY or pass --generate (one of the two)',
    ],
    [
      '--generate with GATEWAY_MASTER_KEY',
      { GATEWAY_MASTER_KEY: hexKey() },
      ['--generate'],
      '--generate writes DATA_DIR/master.key, but GATEWAY_MASTER_KEY is set; give the new key as NEW_GATEWAY_MASTER_KEY instead',
    ],
    ['an unknown flag', {}, ['--force'], 'unknown argument --force'],
  ])('usage error (%s) exits 2 before touching the database', async (_name, env, args, message) => {
    const result = await rotate(
      { DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/unreachable', DATA_DIR: '/nonexistent/never-created', ...env },
      args,
    );
    expect(result.code).toBe(2);
    expect(result.stdout.split('\n')[0]).toBe(`keys:rotate: ${message}`);
  });
});

describe('keys:rotate --generate with DATA_DIR/master.key', () => {
  let dataDir: string;
  let store: PrismaMasterKeyCheckStore;
  let seeded: SeededIdentity[];
  let fileDb: TestDatabase;
  let filePrisma: PrismaClient;

  const keyFile = () => path.join(dataDir, 'master.key');
  const pendingFile = () => path.join(dataDir, 'master.key.next');
  const readKey = async (file: string) => (await readFile(file, 'utf8')).trim();
  const env = () => ({ DATABASE_URL: fileDb.url, DATA_DIR: dataDir });

  beforeAll(async () => {
    fileDb = await createTestDatabase();
    filePrisma = createPrismaClient(fileDb.url);
    store = new PrismaMasterKeyCheckStore(filePrisma);
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'mailroom-rotate-'));
    dirs.push(dataDir);
    const vault = await startKeyVault({ dataDir, production: false, checkStore: store, log: quietLog });
    seeded = await seedIdentities(filePrisma, vault, 3);
  });

  afterAll(async () => {
    await filePrisma.$disconnect();
    await fileDb.drop();
  });

  it('writes a new master.key (mode 600) and re-wraps under it', async () => {
    const oldKey = await readKey(keyFile());
    const result = await rotate(env(), ['--generate']);
    expect(result.code).toBe(0);
    const newKey = await readKey(keyFile());
    expect(newKey).not.toBe(oldKey);
    expect((await stat(keyFile())).mode & 0o777).toBe(0o600);
    await expect(stat(pendingFile())).rejects.toThrow(/ENOENT/);
    expect(result.stdout).toBe(
      `Re-wrapped 3 identity data key(s), 0 webhook secret key(s) and the master key check: master key id ${vaultOf(oldKey).keyId} -> ${vaultOf(newKey).keyId}.\n` +
        `${keyFile()} now holds the new key. Back it up; database backups taken before now still need the old key.\n`,
    );
    expectNoKeyMaterial(result.stdout + result.stderr, oldKey, newKey);
    expect(await openAll(filePrisma, vaultOf(newKey), seeded)).toBe(true);
  });

  it('leaves master.key alone when it fails before the commit; the next run succeeds', async () => {
    const key = await readKey(keyFile());
    const before = await keyMaterialSnapshot(filePrisma);
    const failed = await rotate({ ...env(), MAILROOM_TEST_KEYS_ROTATE_CRASH: 'before-commit' }, ['--generate']);
    expect(failed.code).toBe(1);
    expect(await readKey(keyFile())).toBe(key);
    expect(await keyMaterialSnapshot(filePrisma)).toBe(before);
    // The gateway starts on the old key meanwhile, ignoring the stale pending file.
    expect((await startKeyVault({ dataDir, production: false, checkStore: store, log: quietLog })).keyId).toBe(
      vaultOf(key).keyId,
    );

    const retried = await rotate(env(), ['--generate']);
    expect(retried.code).toBe(0);
    await expect(stat(pendingFile())).rejects.toThrow(/ENOENT/);
    expect(await openAll(filePrisma, vaultOf(await readKey(keyFile())), seeded)).toBe(true);
  });

  it('after a crash between commit and rename, the next run finishes the rename', async () => {
    const crashed = await rotate({ ...env(), MAILROOM_TEST_KEYS_ROTATE_CRASH: 'after-commit' }, ['--generate']);
    expect(crashed.signal).toBe('SIGKILL');
    const pending = await readKey(pendingFile());
    expect(await openAll(filePrisma, vaultOf(pending), seeded)).toBe(true);

    const rerun = await rotate(env(), ['--generate']);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toBe(
      `Finished an interrupted rotation: ${keyFile()} now holds master key id ${vaultOf(pending).keyId}. Run the command again to rotate once more.\n`,
    );
    expect(await readKey(keyFile())).toBe(pending);
    await expect(stat(pendingFile())).rejects.toThrow(/ENOENT/);
  });

  it('after a crash between commit and rename, the next gateway start finishes the rename', async () => {
    const crashed = await rotate({ ...env(), MAILROOM_TEST_KEYS_ROTATE_CRASH: 'after-commit' }, ['--generate']);
    expect(crashed.signal).toBe('SIGKILL');
    const pending = await readKey(pendingFile());
    const vault: KeyVault = await startKeyVault({ dataDir, production: false, checkStore: store, log: quietLog });
    expect(vault.keyId).toBe(vaultOf(pending).keyId);
    expect(await readKey(keyFile())).toBe(pending);
    expect(await openAll(filePrisma, vault, seeded)).toBe(true);
  });

  it('takes NEW_GATEWAY_MASTER_KEY in file mode too, writing it to master.key', async () => {
    const next = hexKey();
    const result = await rotate({ ...env(), NEW_GATEWAY_MASTER_KEY: Buffer.from(next, 'hex').toString('base64') });
    expect(result.code).toBe(0);
    expect(await readKey(keyFile())).toBe(next);
    expect(await openAll(filePrisma, vaultOf(next), seeded)).toBe(true);
  });

  it('refuses with a clear line when there is no current key', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'mailroom-rotate-empty-'));
    dirs.push(empty);
    const result = await rotate({ DATABASE_URL: fileDb.url, DATA_DIR: empty }, ['--generate']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      `keys:rotate failed: no current master key: set GATEWAY_MASTER_KEY or keep ${path.join(empty, 'master.key')}\n`,
    );
  });
});
