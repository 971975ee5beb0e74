import { execFile } from 'node:child_process';
import { access, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dropDatabase, withDatabase } from '@mailroom/persistence/migrations';
import { REPO_MIGRATIONS_DIR, repoMigrationNames, testServerUrl } from '../support/database.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const script = path.join(root, 'scripts/db.mjs');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** `node scripts/db.mjs …` as `npm run db:*` runs it, against a copy of prisma/ so the repository stays untouched. */
function db(args: string[], env: Record<string, string | undefined>): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [script, ...args],
      { env: { PATH: process.env.PATH, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr, ms: Date.now() - started });
      },
    );
  });
}

describe('scripts/db.mjs (npm run db:migrate | db:status | db:diff)', () => {
  const databaseUrl = withDatabase(testServerUrl(), `test_cli_${process.pid}_${Date.now()}`);
  let prismaDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    // The CLI runs the built library: `npm run build` (CI builds on install).
    await access(path.join(root, 'libs/persistence/dist/index.js')).catch(() => {
      throw new Error('libs/persistence/dist is missing: run `npm run build` before this test.');
    });
    prismaDir = await mkdtemp(path.join(tmpdir(), 'mailroom-cli-'));
    await cp(path.join(REPO_MIGRATIONS_DIR, '..', 'schema.prisma'), path.join(prismaDir, 'schema.prisma'));
    await cp(REPO_MIGRATIONS_DIR, path.join(prismaDir, 'migrations'), { recursive: true });
    env = { DATABASE_URL: databaseUrl, PRISMA_DIR: prismaDir };
  });

  afterAll(async () => {
    await dropDatabase(databaseUrl);
    await rm(prismaDir, { recursive: true, force: true });
  });

  it('refuses to run without DATABASE_URL or a migration name (exit 2, one line)', async () => {
    const missing = await db(['deploy'], { PRISMA_DIR: prismaDir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('db: DATABASE_URL is required (postgresql://user:password@host:port/database).\n');
    expect(await db(['diff'], env)).toMatchObject({
      code: 2,
      stderr: 'db: Usage: npm run db:diff -- <migration_name>\n',
    });
  });

  it('status exits 1 with one line when the database does not exist yet', async () => {
    const status = await db(['status'], env);
    expect(status.code).toBe(1);
    expect(status.stderr).toMatch(/^db: Database `test_cli_\w+` does not exist\n$/);
  });

  it('deploy creates the database, applies the migrations, exits 0 promptly; a second deploy is a no-op', async () => {
    const first = await db(['deploy'], env);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const names = await repoMigrationNames();
    expect(first.stdout).toBe(`Created the database.\nApplied ${names.length} migration(s): ${names.join(', ')}\n`);
    expect(first.ms).toBeLessThan(9_500); // the wasm engine's stray timer would add 10 s

    const second = await db(['deploy'], env);
    expect(second).toMatchObject({ code: 0, stdout: 'No pending migrations.\n' });
    expect(await db(['status'], env)).toMatchObject({ code: 0, stdout: 'Database schema is up to date.\n' });
  });

  it('diff writes the next migration from a schema change; status shows it pending until deployed', async () => {
    const schemaPath = path.join(prismaDir, 'schema.prisma');
    await writeFile(
      schemaPath,
      `${await readFile(schemaPath, 'utf8')}\nmodel Gadget {\n  id Int @id\n\n  @@map("gadgets")\n}\n`,
    );
    const diff = await db(['diff', 'add_gadgets'], env);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toMatch(/^Wrote .*\d{14}_add_gadgets\/migration\.sql\n$/);
    expect(await db(['status'], env)).toMatchObject({
      code: 1,
      stdout: expect.stringMatching(/^Pending: \d{14}_add_gadgets\n$/),
    });
    expect(await db(['deploy'], env)).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^Applied 1 migration\(s\): \d{14}_add_gadgets\n$/),
    });
  });

  it('reports a database server it cannot reach in one line with exit 1', async () => {
    const run = await db(['deploy'], { ...env, DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/nowhere' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^db: .*ECONNREFUSED 127\.0\.0\.1:1\n$/);
  });
});
