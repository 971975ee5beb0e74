export { InstallationPool } from './installation-pool.js';
export {
  IdentityBrokenError,
  IdentityBusyError,
  IdentityLockLostError,
  PoolClosedError,
  type IdentityBrokenReason,
} from './errors.js';
export { databaseFiles } from './database-files.js';
export { sqliteConnections, type SqliteConnectionCount } from './sqlite-connections.js';
export type {
  IdentityKeys,
  IdentityKeysProvider,
  IdentityLocks,
  IdentityRef,
  InboxInstallation,
  InboxStateSummary,
  InstallationBudgetEvent,
  InstallationPoolOptions,
  PoolLogger,
  PoolStats,
  RegisteredInstallation,
  UseOptions,
} from './types.js';
