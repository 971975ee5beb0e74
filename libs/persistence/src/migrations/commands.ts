import { readFile } from 'node:fs/promises';
import type { SchemaEngine, SchemaFilter } from '@prisma/schema-engine-wasm';
import { type ClosableAdapterFactory, migrationAdapterFactory, offlineAdapterFactory } from './adapters.js';
import {
  latestMigrationSchema,
  migrationNames,
  nextMigrationFolder,
  readMigrationList,
  writeMigrationFolder,
} from './migrations-directory.js';
import { SchemaEngineError, withSchemaEngine } from './schema-engine.js';

const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };

export interface MigrationTarget {
  databaseUrl: string;
  migrationsDir: string;
}

async function withDatabaseEngine<T>(
  databaseUrl: string,
  work: (engine: SchemaEngine) => Promise<T>,
  explainFailure: (error: unknown, factory: ClosableAdapterFactory) => unknown = (error) => error,
): Promise<T> {
  const factory = migrationAdapterFactory(databaseUrl);
  try {
    return await withSchemaEngine(factory, undefined, work);
  } catch (error) {
    throw explainFailure(error, factory);
  } finally {
    await factory.close();
  }
}

/**
 * Applies the pending migrations, recording them in `_prisma_migrations` as `prisma migrate deploy` does.
 * Returns the names applied (empty when the database is up to date). A failed migration is rolled back, recorded
 * as failed, and blocks later deploys with P3009 until it is resolved.
 */
export async function deployMigrations({ databaseUrl, migrationsDir }: MigrationTarget): Promise<string[]> {
  const migrationsList = await readMigrationList(migrationsDir);
  // The engine serialises concurrent deploys itself (pg_advisory_lock, held until close() ends the pools).
  return withDatabaseEngine(
    databaseUrl,
    async (engine) => {
      const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: NO_FILTERS });
      return appliedMigrationNames;
    },
    explainFailedMigration,
  );
}

/** Words a migration script failure as native Prisma's P3018, with the database's own error. */
function explainFailedMigration(error: unknown, factory: ClosableAdapterFactory): unknown {
  const dbError = factory.lastScriptError();
  const engineMessage = error instanceof Error ? error.message : String(error);
  const migration = /migration_name="([^"]+)"/.exec(engineMessage)?.[1];
  if (!dbError || !migration || (error as SchemaEngineError).code) return error;
  return new SchemaEngineError(
    [
      'A migration failed to apply. New migrations cannot be applied before the error is recovered from.',
      `Migration name: ${migration}`,
      `Database error code: ${dbError.code ?? 'unknown'}`,
      `Database error: ${dbError.message}`,
    ].join('\n'),
    'P3018',
  );
}

export interface MigrationStatus {
  /** In the folder, not applied to the database yet. */
  pending: string[];
  /** Recorded as failed in `_prisma_migrations` (deploy refuses to run until resolved). */
  failed: string[];
  /** Applied, but migration.sql changed since (checksum mismatch). */
  edited: string[];
  /** Applied to the database but missing from the folder. */
  notInFolder: string[];
  hasMigrationsTable: boolean;
  /** True when nothing is pending, failed, edited or missing. */
  upToDate: boolean;
}

export async function migrationStatus({ databaseUrl, migrationsDir }: MigrationTarget): Promise<MigrationStatus> {
  const migrationsList = await readMigrationList(migrationsDir);
  const diagnosis = await withDatabaseEngine(databaseUrl, (engine) =>
    engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_FILTERS }),
  );
  const history = diagnosis.history;
  const pending = history && 'unappliedMigrationNames' in history ? history.unappliedMigrationNames : [];
  const notInFolder = history && 'unpersistedMigrationNames' in history ? history.unpersistedMigrationNames : [];
  const failed = diagnosis.failedMigrationNames;
  const edited = diagnosis.editedMigrationNames;
  return {
    pending,
    failed,
    edited,
    notInFolder,
    hasMigrationsTable: diagnosis.hasMigrationsTable,
    upToDate: pending.length + failed.length + edited.length + notInFolder.length === 0,
  };
}

/**
 * The SQL that turns a database built from `fromSchema` into one built from `toSchema` (Prisma schema texts;
 * null = an empty database). Empty when they describe the same database. Needs no database.
 */
export async function diffSchemas(fromSchema: string | null, toSchema: string | null): Promise<string> {
  const target = (content: string | null, path: string) =>
    content === null ? { tag: 'empty' as const } : { tag: 'schemaDatamodel' as const, files: [{ path, content }] };
  const result = await withSchemaEngine(offlineAdapterFactory(), undefined, (engine) =>
    engine.diff({
      from: target(fromSchema, 'from/schema.prisma'),
      to: target(toSchema, 'to/schema.prisma'),
      script: true,
      exitCode: true,
      filters: NO_FILTERS,
    }),
  );
  return result.exitCode === 2 ? (result.stdout ?? '') : '';
}

export type NextMigration = { written: true; name: string; dir: string; sql: string } | { written: false };

/**
 * Writes `<migrationsDir>/<timestamp>_<name>/` with the SQL from the schema as of the latest migration to the
 * schema at `schemaPath`, and a copy of that schema for the next diff. Writes nothing when nothing changed.
 */
export async function writeNextMigration(options: {
  name: string;
  schemaPath: string;
  migrationsDir: string;
  now?: Date;
}): Promise<NextMigration> {
  const schema = await readFile(options.schemaPath, 'utf8');
  const previous = await latestMigrationSchema(options.migrationsDir);
  const sql = await diffSchemas(previous?.schema ?? null, schema);
  if (sql.trim() === '') return { written: false };
  const name = nextMigrationFolder(
    await migrationNames(options.migrationsDir),
    options.name,
    options.now ?? new Date(),
  );
  const dir = await writeMigrationFolder(options.migrationsDir, name, { sql, schema });
  return { written: true, name, dir, sql };
}
