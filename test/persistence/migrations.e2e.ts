import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { deployMigrations, migrationStatus, SchemaEngineError, writeNextMigration } from '@mailroom/persistence';
import { createTestDatabase, REPO_MIGRATIONS_DIR, repoMigrationNames, type TestDatabase } from '../support/database.js';

const LOCK = 'provider = "postgresql"\n';

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

async function tableExists(url: string, table: string): Promise<boolean> {
  const [row] = await query<{ found: string | null }>(url, 'SELECT to_regclass($1) AS found', [`public.${table}`]);
  return row.found !== null;
}

/** A throw-away migrations folder: `{ name: sql }`. */
async function migrationsFolder(migrations: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mailroom-migrations-'));
  await writeFile(path.join(dir, 'migration_lock.toml'), LOCK);
  for (const [name, sql] of Object.entries(migrations)) {
    await mkdir(path.join(dir, name));
    await writeFile(path.join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

const databases: TestDatabase[] = [];
const folders: string[] = [];
async function emptyDatabase(): Promise<string> {
  const db = await createTestDatabase({ migrate: false });
  databases.push(db);
  return db.url;
}

afterAll(async () => {
  await Promise.all(databases.map((db) => db.drop()));
  await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('deployMigrations on the repository migrations', () => {
  let url: string;
  let firstRun: string[];
  let migrationNames: string[];

  beforeAll(async () => {
    url = await emptyDatabase();
    firstRun = await deployMigrations({ databaseUrl: url, migrationsDir: REPO_MIGRATIONS_DIR });
    migrationNames = (
      await query<{ migration_name: string }>(
        url,
        'SELECT migration_name FROM _prisma_migrations ORDER BY migration_name',
      )
    ).map((row) => row.migration_name);
  });

  it('applies every migration to a fresh database and creates the tables', async () => {
    expect(firstRun.length).toBeGreaterThan(0);
    expect(firstRun).toEqual(migrationNames);
    for (const table of ['tenants', 'admin_users', 'api_keys', 'audit_logs']) {
      expect(await tableExists(url, table)).toBe(true);
    }
  });

  it('is a no-op the second time, and status reports the database up to date', async () => {
    await expect(deployMigrations({ databaseUrl: url, migrationsDir: REPO_MIGRATIONS_DIR })).resolves.toEqual([]);
    await expect(migrationStatus({ databaseUrl: url, migrationsDir: REPO_MIGRATIONS_DIR })).resolves.toEqual({
      pending: [],
      failed: [],
      edited: [],
      notInFolder: [],
      hasMigrationsTable: true,
      upToDate: true,
    });
  });

  it('creates _prisma_migrations with the columns and types native Prisma uses', async () => {
    const columns = await query(
      url,
      `SELECT column_name, data_type, character_maximum_length AS length, is_nullable, column_default
         FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      { column_name: 'id', data_type: 'character varying', length: 36, is_nullable: 'NO', column_default: null },
      { column_name: 'checksum', data_type: 'character varying', length: 64, is_nullable: 'NO', column_default: null },
      {
        column_name: 'finished_at',
        data_type: 'timestamp with time zone',
        length: null,
        is_nullable: 'YES',
        column_default: null,
      },
      {
        column_name: 'migration_name',
        data_type: 'character varying',
        length: 255,
        is_nullable: 'NO',
        column_default: null,
      },
      { column_name: 'logs', data_type: 'text', length: null, is_nullable: 'YES', column_default: null },
      {
        column_name: 'rolled_back_at',
        data_type: 'timestamp with time zone',
        length: null,
        is_nullable: 'YES',
        column_default: null,
      },
      {
        column_name: 'started_at',
        data_type: 'timestamp with time zone',
        length: null,
        is_nullable: 'NO',
        column_default: 'now()',
      },
      {
        column_name: 'applied_steps_count',
        data_type: 'integer',
        length: null,
        is_nullable: 'NO',
        column_default: '0',
      },
    ]);
    const [primaryKey] = await query<{ column: string }>(
      url,
      `SELECT a.attname AS column FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
        WHERE i.indrelid = '_prisma_migrations'::regclass AND i.indisprimary`,
    );
    expect(primaryKey.column).toBe('id');
  });

  it('records each applied migration as Prisma does: sha256 checksum of migration.sql, one step, finished', async () => {
    const rows = await query<{
      id: string;
      checksum: string;
      migration_name: string;
      logs: string | null;
      rolled_back_at: Date | null;
      started_at: Date;
      finished_at: Date | null;
      applied_steps_count: number;
    }>(url, 'SELECT * FROM _prisma_migrations ORDER BY migration_name');
    expect(rows).toHaveLength(migrationNames.length);
    for (const row of rows) {
      const sql = await readFile(path.join(REPO_MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.applied_steps_count).toBe(1);
      expect(row.logs).toBeNull();
      expect(row.rolled_back_at).toBeNull();
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
    }
  });
});

describe('concurrent deploys (replicas starting together)', () => {
  it('apply each migration once: one deploy applies, the other finds nothing to do', async () => {
    const url = await emptyDatabase();
    const results = await Promise.all([
      deployMigrations({ databaseUrl: url, migrationsDir: REPO_MIGRATIONS_DIR }),
      deployMigrations({ databaseUrl: url, migrationsDir: REPO_MIGRATIONS_DIR }),
    ]);
    const count = (await repoMigrationNames()).length;
    expect(results.map((applied) => applied.length).sort()).toEqual([0, count]);
    const rows = await query(url, 'SELECT migration_name FROM _prisma_migrations');
    expect(rows).toHaveLength(count);
  });
});

describe('a failing migration', () => {
  let url: string;
  let dir: string;
  let failure: unknown;

  beforeAll(async () => {
    url = await emptyDatabase();
    dir = await migrationsFolder({
      '20260101000000_first': [
        'CREATE TABLE "notes" ("id" SERIAL PRIMARY KEY, "body" TEXT NOT NULL);',
        // A function body with inner semicolons: applies only when the script is sent whole.
        `CREATE FUNCTION note_count() RETURNS bigint LANGUAGE plpgsql AS $$ BEGIN RETURN (SELECT count(*) FROM notes); END; $$;`,
      ].join('\n'),
      '20260102000000_broken': [
        'ALTER TABLE "notes" ADD COLUMN "title" TEXT;',
        'CREATE TABLE "tags" ("id" SERIAL PRIMARY KEY);',
        'INSERT INTO "missing_table" VALUES (1);',
      ].join('\n'),
    });
    folders.push(dir);
    failure = await deployMigrations({ databaseUrl: url, migrationsDir: dir }).then(
      () => undefined,
      (error: unknown) => error,
    );
  });

  it('fails the deploy with the database error text', () => {
    expect(failure).toBeInstanceOf(SchemaEngineError);
    expect((failure as SchemaEngineError).code).toBe('P3018');
    expect((failure as Error).message).toContain('20260102000000_broken');
    expect((failure as Error).message).toContain('Database error code: 42P01');
    expect((failure as Error).message).toContain('relation "missing_table" does not exist');
  });

  it('keeps the migrations before it, including a plpgsql function with inner semicolons', async () => {
    const [row] = await query<{ count: string }>(url, 'SELECT note_count() AS count');
    expect(row.count).toBe('0');
  });

  it('rolls back every statement of the failed migration', async () => {
    const columns = await query(url, `SELECT column_name FROM information_schema.columns WHERE table_name = 'notes'`);
    expect(columns.map((c) => c.column_name).sort()).toEqual(['body', 'id']);
    expect(await tableExists(url, 'tags')).toBe(false);
  });

  it('records it as failed, as Prisma does', async () => {
    const [row] = await query<{
      finished_at: Date | null;
      applied_steps_count: number;
      logs: string;
      checksum: string;
    }>(url, `SELECT * FROM _prisma_migrations WHERE migration_name = '20260102000000_broken'`);
    expect(row.finished_at).toBeNull();
    expect(row.applied_steps_count).toBe(0);
    expect(row.logs).toContain('missing_table');
    const sql = await readFile(path.join(dir, '20260102000000_broken', 'migration.sql'));
    expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
  });

  it('blocks the next deploy with P3009 and shows in status', async () => {
    const next = deployMigrations({ databaseUrl: url, migrationsDir: dir });
    await expect(next).rejects.toThrow(SchemaEngineError);
    await expect(next).rejects.toMatchObject({
      code: 'P3009',
      message: expect.stringContaining('20260102000000_broken'),
    });
    const status = await migrationStatus({ databaseUrl: url, migrationsDir: dir });
    expect(status.failed).toEqual(['20260102000000_broken']);
    expect(status.upToDate).toBe(false);
  });
});

describe('migrationStatus', () => {
  it('reports pending migrations, then an applied migration whose file was edited', async () => {
    const url = await emptyDatabase();
    const dir = await migrationsFolder({ '20260101000000_one': 'CREATE TABLE "one" ("id" INT PRIMARY KEY);' });
    folders.push(dir);

    const before = await migrationStatus({ databaseUrl: url, migrationsDir: dir });
    expect(before).toMatchObject({ pending: ['20260101000000_one'], hasMigrationsTable: false, upToDate: false });

    await deployMigrations({ databaseUrl: url, migrationsDir: dir });
    await writeFile(
      path.join(dir, '20260101000000_one', 'migration.sql'),
      'CREATE TABLE "one" ("id" BIGINT PRIMARY KEY);',
    );
    const after = await migrationStatus({ databaseUrl: url, migrationsDir: dir });
    expect(after).toMatchObject({ pending: [], failed: [], edited: ['20260101000000_one'], upToDate: false });
  });
});

describe('writeNextMigration (db:diff)', () => {
  let prismaDir: string;
  let migrationsDir: string;

  beforeAll(async () => {
    prismaDir = await mkdtemp(path.join(tmpdir(), 'mailroom-prisma-'));
    folders.push(prismaDir);
    migrationsDir = path.join(prismaDir, 'migrations');
    await cp(REPO_MIGRATIONS_DIR, migrationsDir, { recursive: true });
  });

  it('writes nothing when the schema matches the latest migration', async () => {
    const before = await readFile(path.join(REPO_MIGRATIONS_DIR, '..', 'schema.prisma'), 'utf8');
    const schemaPath = path.join(prismaDir, 'schema.prisma');
    await writeFile(schemaPath, before);
    const result = await writeNextMigration({ name: 'nothing', schemaPath, migrationsDir });
    expect(result).toEqual({ written: false });
  });

  it('writes the migration for a schema change, which then applies cleanly on top of the earlier ones', async () => {
    const url = await emptyDatabase();
    await deployMigrations({ databaseUrl: url, migrationsDir });

    const schemaPath = path.join(prismaDir, 'schema.prisma');
    const changed =
      (await readFile(schemaPath, 'utf8')).replace(
        '  name      String\n',
        '  name      String\n  plan      String  @default("free")\n',
      ) +
      '\nmodel Widget {\n  id    Int    @id @default(autoincrement())\n  label String @unique\n\n  @@map("widgets")\n}\n';
    expect(changed).toContain('plan');
    await writeFile(schemaPath, changed);

    const result = await writeNextMigration({
      name: 'Add widgets & plan',
      schemaPath,
      migrationsDir,
      now: new Date('2099-01-02T03:04:05Z'),
    });
    expect(result).toMatchObject({ written: true, name: '20990102030405_add_widgets_plan' });
    if (!result.written) throw new Error('no migration written');
    expect(result.sql).toContain('CREATE TABLE "widgets"');
    expect(result.sql).toContain('ALTER TABLE "tenants" ADD COLUMN     "plan" TEXT NOT NULL DEFAULT \'free\'');
    expect(await readFile(path.join(result.dir, 'migration.sql'), 'utf8')).toBe(result.sql);
    expect(await readFile(path.join(result.dir, 'schema.prisma'), 'utf8')).toBe(changed);

    await expect(deployMigrations({ databaseUrl: url, migrationsDir })).resolves.toEqual([result.name]);
    expect(await tableExists(url, 'widgets')).toBe(true);
    await query(url, `INSERT INTO tenants (id, name, updated_at) VALUES (gen_random_uuid(), 'acme', now())`);
    expect(await query(url, 'SELECT plan FROM tenants')).toEqual([{ plan: 'free' }]);

    // The next diff starts from the copy kept with this migration.
    await expect(writeNextMigration({ name: 'again', schemaPath, migrationsDir })).resolves.toEqual({ written: false });
  });
});
