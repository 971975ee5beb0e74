export * from './migrations/index.js';
export {
  startEmbeddedPostgres,
  type EmbeddedPostgresOptions,
  type RunningEmbeddedPostgres,
} from './embedded-postgres.js';
export { createPrismaClient, PrismaService } from './prisma-client.js';
export { ASYNC_COMMIT_APPLICATION_NAME, queryPrepared, useAsyncCommitPool } from './prepared-statements.js';
export { checkDatabase, type DatabaseCheck } from './readiness.js';
export { Prisma, PrismaClient } from './generated/prisma/client.js';
export type {
  AdminInvitation,
  AdminPasswordReset,
  AdminRefreshToken,
  AdminSignupRequest,
  AdminUser,
  ApiKey,
  AttachmentUpload,
  AuditLog,
  IdempotencyRecord,
  Identity,
  MasterKeyCheck,
  Tenant,
} from './generated/prisma/client.js';
export { AdminRole, ApiKeyScope, IdempotencyState, IdentityCustody, IdentityStatus } from './generated/prisma/enums.js';
export { DEFAULT_MIGRATIONS_DIR } from './paths.js';
export { tenantScope, scopedWhere, type TenantId, type TenantScope } from './tenant-scope.js';
export {
  findIdentityLockHolder,
  identityLockKey,
  IdentityLocksUnavailableError,
  PgAdvisoryIdentityLocks,
  type IdentityLocks,
  type PgAdvisoryIdentityLocksOptions,
} from './identity-locks.js';
