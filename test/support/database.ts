import { randomBytes } from 'node:crypto';
import {
  DEFAULT_MIGRATIONS_DIR,
  deployMigrations,
  dropDatabase,
  ensureDatabase,
  withDatabase,
} from '@mailroom/persistence';

export const REPO_MIGRATIONS_DIR = DEFAULT_MIGRATIONS_DIR;

/** The server tests create their databases on (CI sets DATABASE_URL). */
export function testServerUrl(): string {
  return process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh database with a random name on the test server, so test files never share state; migrated with the
 * repository's migrations unless `migrate: false`. Call drop() in afterAll.
 */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const url = withDatabase(testServerUrl(), `test_${randomBytes(6).toString('hex')}`);
  await ensureDatabase(url);
  if (options.migrate !== false) await deployMigrations({ databaseUrl: url, migrationsDir: REPO_MIGRATIONS_DIR });
  return { url, drop: () => dropDatabase(url) };
}

/** Names of the repository's migrations, oldest first. */
export async function repoMigrationNames(): Promise<string[]> {
  const { readdir } = await import('node:fs/promises');
  const entries = await readdir(REPO_MIGRATIONS_DIR, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}
