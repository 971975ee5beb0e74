export * from './migrations/index.js';
export { databaseName, dropDatabase, ensureDatabase, withDatabase } from './database-admin.js';
