#!/usr/bin/env node
// Offline Prisma migrations (no native schema-engine): `db.mjs deploy | status | diff <name>`.
// Runs the built @mailroom/persistence (npm run build). Prints one line per outcome; exit codes:
// 0 ok, 1 failure or something needs attention (status), 2 usage error.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  deployMigrations,
  ensureDatabase,
  migrationStatus,
  writeNextMigration,
} from '@mailroom/persistence/migrations';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const prismaDir = process.env.PRISMA_DIR ? path.resolve(process.env.PRISMA_DIR) : path.join(root, 'prisma');
const schemaPath = path.join(prismaDir, 'schema.prisma');
const migrationsDir = path.join(prismaDir, 'migrations');

class UsageError extends Error {}

function requireDatabaseUrl() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new UsageError('DATABASE_URL is required (postgresql://user:password@host:port/database).');
  return url;
}

function list(names) {
  return names.length ? names.join(', ') : 'none';
}

const commands = {
  async deploy() {
    const databaseUrl = requireDatabaseUrl();
    if (await ensureDatabase(databaseUrl)) console.log('Created the database.');
    const applied = await deployMigrations({ databaseUrl, migrationsDir });
    console.log(applied.length ? `Applied ${applied.length} migration(s): ${list(applied)}` : 'No pending migrations.');
    return 0;
  },
  async status() {
    const status = await migrationStatus({ databaseUrl: requireDatabaseUrl(), migrationsDir });
    if (status.upToDate) {
      console.log('Database schema is up to date.');
      return 0;
    }
    for (const [label, names] of [
      ['Pending', status.pending],
      ['Failed', status.failed],
      ['Edited after being applied', status.edited],
      ['Applied but missing from prisma/migrations', status.notInFolder],
    ]) {
      if (names.length) console.log(`${label}: ${list(names)}`);
    }
    return 1;
  },
  async diff(name) {
    if (!name) throw new UsageError('Usage: npm run db:diff -- <migration_name>');
    const result = await writeNextMigration({ name, schemaPath, migrationsDir });
    console.log(
      result.written
        ? `Wrote ${path.relative(process.cwd(), result.dir)}/migration.sql`
        : 'No changes: schema.prisma matches the latest migration.',
    );
    return 0;
  },
};

/** The error's text on one line, without the engine's Rust backtrace. */
function oneLine(error) {
  const lines = [];
  for (const line of String(error?.message ?? error).split('\n')) {
    if (/^\s*\d+: /.test(line)) break;
    if (line.trim()) lines.push(line.trim());
  }
  const text = lines.join(' ');
  return error?.code && !text.includes(error.code) ? `${error.code}: ${text}` : text;
}

async function main([command, ...args]) {
  const run = commands[command];
  if (!run) throw new UsageError('Usage: node scripts/db.mjs deploy | status | diff <name>');
  return run(...args);
}

// The wasm engine and pg pools are closed by the library, but exit explicitly so nothing stray keeps us alive.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`db: ${oneLine(error)}`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
