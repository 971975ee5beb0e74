import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createPrismaClient, type PrismaClient } from '@mailroom/persistence';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { GATEWAY_MAIN, cleanEnv, runNode, type ChildRun } from '../support/process.js';
import { hexKey, keyMaterialSnapshot, seedIdentities, vaultOf } from './support.js';

/** The built gateway, started as an operator would, verifies its master key against the database before serving. */
let db: TestDatabase;
let prisma: PrismaClient;
let dataDir: string;
const running: ChildRun[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url);
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'mailroom-gateway-key-'));
});

afterAll(async () => {
  for (const run of running) if (run.child.exitCode === null) run.child.kill('SIGKILL');
  await prisma.$disconnect();
  await db.drop();
  await rm(dataDir, { recursive: true, force: true });
});

function startGateway(extra: Record<string, string>): ChildRun {
  const run = runNode(
    GATEWAY_MAIN,
    cleanEnv({ DATABASE_URL: db.url, DATA_DIR: dataDir, PORT: '0', DEVNET_PORT: '0', HOST: '127.0.0.1', ...extra }),
  );
  running.push(run);
  return run;
}

async function startAndStop(extra: Record<string, string>): Promise<string> {
  const run = startGateway(extra);
  const [, url] = await run.waitForOutput(/Mailroom gateway is ready on (http:\/\/\S+)/, 60_000);
  expect((await fetch(`${url}/readyz`)).status).toBe(200);
  run.child.kill('SIGTERM');
  expect(await run.exited).toEqual({ code: 0, signal: null });
  return run.stdout();
}

describe('gateway master key check at start', () => {
  const keyA = hexKey();
  const keyB = hexKey();

  it('records the key id on the first start and starts again with the same key', async () => {
    const first = await startAndStop({ GATEWAY_MASTER_KEY: keyA });
    expect(first).toContain(`master key id ${vaultOf(keyA).keyId} recorded in the database`);
    const row = await prisma.masterKeyCheck.findUniqueOrThrow({ where: { id: 1 } });
    expect(row.keyId).toBe(vaultOf(keyA).keyId);

    const second = await startAndStop({ GATEWAY_MASTER_KEY: Buffer.from(keyA, 'hex').toString('base64') });
    expect(second).toContain(`master key id ${vaultOf(keyA).keyId} verified`);
  }, 180_000);

  it('refuses a wrong GATEWAY_MASTER_KEY: exit 1, one line naming both key ids, nothing changed', async () => {
    await seedIdentities(prisma, vaultOf(keyA), 2);
    const before = await keyMaterialSnapshot(prisma);
    const run = startGateway({ GATEWAY_MASTER_KEY: keyB });
    const { code } = await run.exited;
    expect(code).toBe(1);
    expect(run.stderr()).toBe(
      `Mailroom failed to start: master key mismatch: this database was set up with master key id ${vaultOf(keyA).keyId}, ` +
        `but GATEWAY_MASTER_KEY has key id ${vaultOf(keyB).keyId}; start with the original master key (or change it with npm run keys:rotate). Nothing was changed.\n`,
    );
    expect(run.stdout()).not.toContain('is ready');
    for (const key of [keyA, keyB]) {
      expect(run.stdout() + run.stderr()).not.toContain(key);
      expect(run.stdout() + run.stderr()).not.toContain(Buffer.from(key, 'hex').toString('base64'));
    }
    expect(await keyMaterialSnapshot(prisma)).toBe(before);
  }, 180_000);

  it('refuses to generate a key file for a database that already has a master key', async () => {
    const run = startGateway({});
    expect((await run.exited).code).toBe(1);
    expect(run.stderr()).toBe(
      `Mailroom failed to start: ${path.join(dataDir, 'master.key')} is missing, but this database was set up with master key id ${vaultOf(keyA).keyId}; ` +
        'restore the file from your backup or set GATEWAY_MASTER_KEY. Nothing was changed.\n',
    );
    await expect(stat(path.join(dataDir, 'master.key'))).rejects.toThrow(/ENOENT/);
  }, 180_000);
});

describe('gateway without GATEWAY_MASTER_KEY (embedded key file)', () => {
  let fresh: TestDatabase;
  let freshDir: string;

  beforeAll(async () => {
    fresh = await createTestDatabase();
    freshDir = await mkdtemp(path.join(os.tmpdir(), 'mailroom-gateway-keyfile-'));
  });

  afterAll(async () => {
    await fresh.drop();
    await rm(freshDir, { recursive: true, force: true });
  });

  it('generates DATA_DIR/master.key once with a warning, and reuses it on the next start', async () => {
    const env = { DATABASE_URL: fresh.url, DATA_DIR: freshDir };
    const first = await startAndStop(env);
    const file = path.join(freshDir, 'master.key');
    const key = (await readFile(file, 'utf8')).trim();
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const warning = first
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string })
      .find((line) => line.msg.startsWith('GATEWAY_MASTER_KEY is not set'));
    expect(warning).toMatchObject({ level: 40 });
    expect(warning!.msg).toContain(
      `generated a new master key (id ${vaultOf(key).keyId}) in ${file}. BACK UP THIS FILE NOW`,
    );
    expect(first).not.toContain(key);

    const second = await startAndStop(env);
    expect(second).not.toContain('GATEWAY_MASTER_KEY is not set');
    expect(second).toContain(`master key id ${vaultOf(key).keyId} verified`);
    expect((await readFile(file, 'utf8')).trim()).toBe(key);
  }, 180_000);
});
