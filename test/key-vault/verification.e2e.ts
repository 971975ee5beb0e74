import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  KeyVaultError,
  MasterKeyFiles,
  PrismaMasterKeyCheckStore,
  holdMasterKeyLease,
  openKeyVault,
  rotateMasterKey,
  startKeyVault,
} from '@mailroom/key-vault';
import { createPrismaClient, type PrismaClient } from '@mailroom/persistence';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { hexKey, keyMaterialSnapshot, openAll, seedIdentities, vaultOf } from './support.js';

/** Start-up verification of the master key against a real, migrated database. */
const databases: TestDatabase[] = [];
const clients: PrismaClient[] = [];
const dirs: string[] = [];

async function freshDatabase(): Promise<{ db: TestDatabase; prisma: PrismaClient; store: PrismaMasterKeyCheckStore }> {
  const db = await createTestDatabase();
  databases.push(db);
  const prisma = createPrismaClient(db.url);
  clients.push(prisma);
  return { db, prisma, store: new PrismaMasterKeyCheckStore(prisma) };
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mailroom-key-vault-'));
  dirs.push(dir);
  return dir;
}

function collectingLog() {
  const lines: string[] = [];
  return { lines, info: (m: string) => lines.push(`info ${m}`), warn: (m: string) => lines.push(`warn ${m}`) };
}

async function rejection(promise: Promise<unknown>): Promise<KeyVaultError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof KeyVaultError) return error;
    throw error;
  }
  throw new Error('expected a KeyVaultError');
}

afterAll(async () => {
  for (const prisma of clients) await prisma.$disconnect();
  for (const db of databases) await db.drop();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('openKeyVault with the master_key_check row', () => {
  let prisma: PrismaClient;
  let store: PrismaMasterKeyCheckStore;
  const keyA = hexKey();
  const keyB = hexKey();

  beforeAll(async () => {
    ({ prisma, store } = await freshDatabase());
  });

  it('writes the verifier and key id on the first start', async () => {
    const { vault, initialized } = await openKeyVault({ masterKey: Buffer.from(keyA, 'hex'), checkStore: store });
    expect(initialized).toBe(true);
    const row = await prisma.masterKeyCheck.findUniqueOrThrow({ where: { id: 1 } });
    expect(row.keyId).toBe(vault.keyId);
    expect(row.rotatedAt).toBeNull();
    expect(Buffer.from(row.verifier).includes(Buffer.from(keyA, 'hex'))).toBe(false);
  });

  it('opens again with the same key, without rewriting the row', async () => {
    const before = await keyMaterialSnapshot(prisma);
    const { vault, initialized } = await openKeyVault({ masterKey: Buffer.from(keyA, 'hex'), checkStore: store });
    expect(initialized).toBe(false);
    expect(vault.keyId).toBe(vaultOf(keyA).keyId);
    expect(await keyMaterialSnapshot(prisma)).toBe(before);
  });

  it('refuses another key with one line naming both key ids, leaving the table unchanged', async () => {
    await seedIdentities(prisma, vaultOf(keyA), 2);
    const before = await keyMaterialSnapshot(prisma);
    const error = await rejection(
      openKeyVault({ masterKey: Buffer.from(keyB, 'hex'), checkStore: store, keySource: 'GATEWAY_MASTER_KEY' }),
    );
    expect(error.code).toBe('MASTER_KEY_MISMATCH');
    expect(error.message).toBe(
      `master key mismatch: this database was set up with master key id ${vaultOf(keyA).keyId}, but GATEWAY_MASTER_KEY has key id ${vaultOf(keyB).keyId}; ` +
        'start with the original master key (or change it with npm run keys:rotate). Nothing was changed.',
    );
    expect(error.message).not.toContain(keyA);
    expect(error.message).not.toContain(keyB);
    expect(await keyMaterialSnapshot(prisma)).toBe(before);
  });

  it('lets exactly one of two first starts with different keys win', async () => {
    const { store: fresh, prisma: freshPrisma } = await freshDatabase();
    const results = await Promise.allSettled([
      openKeyVault({ masterKey: Buffer.from(keyA, 'hex'), checkStore: fresh }),
      openKeyVault({ masterKey: Buffer.from(keyB, 'hex'), checkStore: fresh }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((refused.reason as KeyVaultError).code).toBe('MASTER_KEY_MISMATCH');
    expect(await freshPrisma.masterKeyCheck.count()).toBe(1);
  });

  it('without a check row, checks the key against stored data keys before writing one', async () => {
    const { store: fresh, prisma: freshPrisma } = await freshDatabase();
    await seedIdentities(freshPrisma, vaultOf(keyA), 1);
    const error = await rejection(openKeyVault({ masterKey: Buffer.from(keyB, 'hex'), checkStore: fresh }));
    expect(error.code).toBe('MASTER_KEY_MISMATCH');
    expect(error.message).toMatch(/has no master key check yet, but the data key of identity:\S+ does not open/);
    expect(await freshPrisma.masterKeyCheck.count()).toBe(0);
    const { initialized } = await openKeyVault({ masterKey: Buffer.from(keyA, 'hex'), checkStore: fresh });
    expect(initialized).toBe(true);
  });
});

describe('startKeyVault (the gateway start-up path)', () => {
  it('in embedded mode generates DATA_DIR/master.key once (mode 600, loud warning) and reuses it', async () => {
    const { store } = await freshDatabase();
    const dataDir = await tempDir();
    const log = collectingLog();
    const first = await startKeyVault({ dataDir, production: false, checkStore: store, log });
    const file = path.join(dataDir, 'master.key');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const text = await readFile(file, 'utf8');
    expect(text).toMatch(/^[0-9a-f]{64}\n$/);
    expect(log.lines).toEqual([
      `warn GATEWAY_MASTER_KEY is not set: generated a new master key (id ${first.keyId}) in ${file}. BACK UP THIS FILE NOW: without it no hosted identity can ever be opened again. Set GATEWAY_MASTER_KEY in production.`,
      `info master key id ${first.keyId} recorded in the database`,
    ]);
    expect(log.lines.join('\n')).not.toContain(text.trim());

    const again = collectingLog();
    const second = await startKeyVault({ dataDir, production: false, checkStore: store, log: again });
    expect(second.keyId).toBe(first.keyId);
    expect(await readFile(file, 'utf8')).toBe(text);
    expect(again.lines).toEqual([`info master key id ${first.keyId} verified`]);
  });

  it('refuses to generate a key when master.key is missing but the database expects one', async () => {
    const { prisma, store } = await freshDatabase();
    const key = hexKey();
    await openKeyVault({ masterKey: Buffer.from(key, 'hex'), checkStore: store });
    const dataDir = await tempDir();
    const before = await keyMaterialSnapshot(prisma);
    const error = await rejection(
      startKeyVault({ dataDir, production: false, checkStore: store, log: collectingLog() }),
    );
    expect(error.code).toBe('MASTER_KEY_MISSING');
    expect(error.message).toContain(`this database was set up with master key id ${vaultOf(key).keyId}`);
    await expect(stat(path.join(dataDir, 'master.key'))).rejects.toThrow(/ENOENT/);
    expect(await keyMaterialSnapshot(prisma)).toBe(before);
  });

  it('uses GATEWAY_MASTER_KEY when configured (hex or base64) and ignores key files', async () => {
    const { store } = await freshDatabase();
    const key = hexKey();
    const dataDir = await tempDir();
    const hexVault = await startKeyVault({
      configuredKey: key,
      dataDir,
      production: true,
      checkStore: store,
      log: collectingLog(),
    });
    const base64 = Buffer.from(key, 'hex').toString('base64');
    const base64Vault = await startKeyVault({
      configuredKey: base64,
      dataDir,
      production: true,
      checkStore: store,
      log: collectingLog(),
    });
    expect(base64Vault.keyId).toBe(hexVault.keyId);
    await expect(stat(path.join(dataDir, 'master.key'))).rejects.toThrow(/ENOENT/);
  });

  it('never generates a key in production', async () => {
    const { store } = await freshDatabase();
    const error = await rejection(
      startKeyVault({ dataDir: await tempDir(), production: true, checkStore: store, log: collectingLog() }),
    );
    expect(error.code).toBe('MASTER_KEY_MISSING');
  });

  it('finishes a rotation that committed but crashed before renaming master.key.next', async () => {
    const { prisma, store } = await freshDatabase();
    const dataDir = await tempDir();
    const oldKey = hexKey();
    const newKey = hexKey();
    await writeFile(path.join(dataDir, 'master.key'), `${oldKey}\n`, { mode: 0o600 });
    const old = await startKeyVault({ dataDir, production: false, checkStore: store, log: collectingLog() });
    const seeded = await seedIdentities(prisma, old, 3);
    await new MasterKeyFiles(dataDir).writePending(Buffer.from(newKey, 'hex'));
    await rotateMasterKey({ prisma, current: old, next: vaultOf(newKey), currentSource: 'master.key' });

    const log = collectingLog();
    const vault = await startKeyVault({ dataDir, production: false, checkStore: store, log });
    expect(vault.keyId).toBe(vaultOf(newKey).keyId);
    expect((await readFile(path.join(dataDir, 'master.key'), 'utf8')).trim()).toBe(newKey);
    await expect(stat(path.join(dataDir, 'master.key.next'))).rejects.toThrow(/ENOENT/);
    expect(log.lines[0]).toBe(
      `warn finished an interrupted master key rotation: ${path.join(dataDir, 'master.key')} now holds master key id ${vault.keyId}`,
    );
    expect(await openAll(prisma, vault, seeded)).toBe(true);
  });

  it('ignores a master.key.next whose rotation never committed', async () => {
    const { store } = await freshDatabase();
    const dataDir = await tempDir();
    const first = await startKeyVault({ dataDir, production: false, checkStore: store, log: collectingLog() });
    await new MasterKeyFiles(dataDir).writePending(Buffer.from(hexKey(), 'hex'));
    const log = collectingLog();
    const vault = await startKeyVault({ dataDir, production: false, checkStore: store, log });
    expect(vault.keyId).toBe(first.keyId);
    expect(log.lines[0]).toMatch(
      /^warn \S+master\.key\.next is left from a master key rotation that never committed; it is ignored$/,
    );
  });
});

describe('master key lease', () => {
  it('stops a rotation while a gateway holds the lease, and lets it run after release', async () => {
    const { db, prisma, store } = await freshDatabase();
    const key = hexKey();
    const { vault } = await openKeyVault({ masterKey: Buffer.from(key, 'hex'), checkStore: store });
    const seeded = await seedIdentities(prisma, vault, 1);
    const before = await keyMaterialSnapshot(prisma);
    const lease = await holdMasterKeyLease(db.url, () => {});
    const next = vaultOf(hexKey());
    const error = await rejection(rotateMasterKey({ prisma, current: vault, next, currentSource: 'test' }));
    expect(error.code).toBe('ROTATION_REFUSED');
    expect(error.message).toMatch(/a gateway is running on this database/);
    expect(await keyMaterialSnapshot(prisma)).toBe(before);

    await lease.release();
    const result = await rotateMasterKey({ prisma, current: vault, next, currentSource: 'test' });
    expect(result).toEqual({
      status: 'rotated',
      rewrapped: 1,
      rewrappedWebhooks: 0,
      fromKeyId: vault.keyId,
      toKeyId: next.keyId,
    });
    expect(await openAll(prisma, next, seeded)).toBe(true);
  });
});

describe('rotation and webhook secrets', () => {
  it('re-wraps the data keys of webhook signing secrets too', async () => {
    const { prisma, store } = await freshDatabase();
    const key = hexKey();
    const { vault } = await openKeyVault({ masterKey: Buffer.from(key, 'hex'), checkStore: store });
    const tenant = await prisma.tenant.create({ data: { name: 'webhooks' } });
    const id = '3f1c2a8e-0d6b-4c7e-9a51-2b7d4e6f8a90';
    const { dataKey, wrapped } = vault.createDataKey(`webhook:${id}`);
    const sealedSecret = Uint8Array.from(dataKey.seal(Buffer.from('whsec_test-secret'), 'signing-secret'));
    dataKey.destroy();
    await prisma.webhookEndpoint.create({
      data: {
        id,
        tenantId: tenant.id,
        url: 'https://example.test/hook',
        events: ['message.received'],
        wrappedDataKey: Uint8Array.from(wrapped),
        sealedSecret,
      },
    });

    const next = vaultOf(hexKey());
    const result = await rotateMasterKey({ prisma, current: vault, next, currentSource: 'test' });
    expect(result).toMatchObject({ status: 'rotated', rewrappedWebhooks: 1 });
    const row = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id } });
    const reopened = next.unwrapDataKey(row.wrappedDataKey, `webhook:${id}`);
    expect(reopened.open(row.sealedSecret, 'signing-secret').toString()).toBe('whsec_test-secret');
    expect(() => vault.unwrapDataKey(row.wrappedDataKey, `webhook:${id}`)).toThrow();
  });
});
