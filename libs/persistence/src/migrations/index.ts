export {
  deployMigrations,
  diffSchemas,
  migrationStatus,
  writeNextMigration,
  type MigrationStatus,
  type MigrationTarget,
  type NextMigration,
} from './commands.js';
export { SchemaEngineError } from './schema-engine.js';
export { LOCKFILE, MIGRATION_SCHEMA, MIGRATION_SCRIPT } from './migrations-directory.js';
export { databaseName, dropDatabase, ensureDatabase, withDatabase } from '../database-admin.js';
