import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  latestMigrationSchema,
  migrationTimestamp,
  nextMigrationFolder,
  readMigrationList,
  slugifyMigrationName,
  writeMigrationFolder,
} from './migrations-directory.js';

describe('migration folder names', () => {
  it('start with the UTC timestamp, as Prisma writes them', () => {
    expect(migrationTimestamp(new Date('2026-03-04T05:06:07.890Z'))).toBe('20260304050607');
  });

  it('slugify the given name and reject one with nothing usable', () => {
    expect(slugifyMigrationName('Add API-key scopes!')).toBe('add_api_key_scopes');
    expect(() => slugifyMigrationName(' -- ')).toThrow('not a usable migration name');
  });

  it('sort after the latest migration even within the same second', () => {
    const now = new Date('2026-03-04T05:06:07Z');
    expect(nextMigrationFolder([], 'init', now)).toBe('20260304050607_init');
    expect(nextMigrationFolder(['20260304050607_init'], 'next', now)).toBe('20260304050608_next');
    expect(nextMigrationFolder(['20990101000000_future'], 'next', now)).toBe('20990101000001_next');
  });
});

describe('migrations folder', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mailroom-migdir-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is empty when missing', async () => {
    await expect(latestMigrationSchema(path.join(dir, 'absent'))).resolves.toBeNull();
    const list = await readMigrationList(path.join(dir, 'absent'));
    expect(list.migrationDirectories).toEqual([]);
    expect(list.lockfile).toEqual({ path: 'migration_lock.toml', content: null });
  });

  it('keeps migration.sql, the schema copy and Prisma’s lock file, and reads them back in name order', async () => {
    const migrations = path.join(dir, 'migrations');
    await writeMigrationFolder(migrations, '20260102000000_b', { sql: 'SELECT 2;', schema: 'schema b' });
    await writeMigrationFolder(migrations, '20260101000000_a', { sql: 'SELECT 1;', schema: 'schema a' });
    expect(await readFile(path.join(migrations, 'migration_lock.toml'), 'utf8')).toContain('provider = "postgresql"');

    const list = await readMigrationList(migrations);
    expect(list.baseDir).toBe(migrations);
    expect(list.migrationDirectories).toEqual([
      {
        path: '20260101000000_a',
        migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: 'SELECT 1;' } },
      },
      {
        path: '20260102000000_b',
        migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: 'SELECT 2;' } },
      },
    ]);
    await expect(latestMigrationSchema(migrations)).resolves.toEqual({ name: '20260102000000_b', schema: 'schema b' });
  });

  it('does not overwrite an existing lock file', async () => {
    const migrations = path.join(dir, 'locked');
    await mkdir(migrations);
    await writeFile(path.join(migrations, 'migration_lock.toml'), 'provider = "postgresql"\n# mine\n');
    await writeMigrationFolder(migrations, '20260101000000_a', { sql: '', schema: '' });
    expect(await readFile(path.join(migrations, 'migration_lock.toml'), 'utf8')).toContain('# mine');
  });

  it('refuses to diff from a migration without its schema copy', async () => {
    const migrations = path.join(dir, 'legacy');
    await mkdir(path.join(migrations, '20260101000000_old'), { recursive: true });
    await expect(latestMigrationSchema(migrations)).rejects.toThrow(
      'Migration 20260101000000_old has no schema.prisma copy',
    );
  });
});
