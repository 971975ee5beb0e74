import { Global, Module } from '@nestjs/common';
import {
  AdminAccountsSystemRepository,
  PrismaAdminAccountsSystemRepository,
} from './admin-accounts.system-repository.js';
import {
  ApiKeyLookupSystemRepository,
  PrismaApiKeyLookupSystemRepository,
} from './api-key-lookup.system-repository.js';
import {
  AttachmentUploadSweepSystemRepository,
  PrismaAttachmentUploadSweepSystemRepository,
} from './attachment-upload-sweep.system-repository.js';
import { BroadcastRunsSystemRepository } from './broadcast-runs.system-repository.js';
import { EventCursorsSystemRepository, PrismaEventCursorsSystemRepository } from './event-cursors.system-repository.js';
import {
  InterruptedIdentitiesSystemRepository,
  PrismaInterruptedIdentitiesSystemRepository,
} from './interrupted-identities.system-repository.js';
import {
  PrismaRealtimeStreamsSystemRepository,
  RealtimeStreamsSystemRepository,
} from './realtime-streams.system-repository.js';
import {
  PrismaSignupRequestsSystemRepository,
  SignupRequestsSystemRepository,
} from './signup-requests.system-repository.js';

/**
 * The cross-tenant data access of system jobs and pre-authentication lookups, kept in this one folder so that every
 * query without a TenantScope is easy to find and review. Tenant-facing code uses its feature's repository instead.
 * Each entry: the token services inject, and its Prisma implementation.
 */
const SYSTEM_REPOSITORIES = [
  [AdminAccountsSystemRepository, PrismaAdminAccountsSystemRepository],
  [ApiKeyLookupSystemRepository, PrismaApiKeyLookupSystemRepository],
  [AttachmentUploadSweepSystemRepository, PrismaAttachmentUploadSweepSystemRepository],
  [BroadcastRunsSystemRepository, BroadcastRunsSystemRepository],
  [EventCursorsSystemRepository, PrismaEventCursorsSystemRepository],
  [InterruptedIdentitiesSystemRepository, PrismaInterruptedIdentitiesSystemRepository],
  [RealtimeStreamsSystemRepository, PrismaRealtimeStreamsSystemRepository],
  [SignupRequestsSystemRepository, PrismaSignupRequestsSystemRepository],
] as const;

@Global()
@Module({
  providers: SYSTEM_REPOSITORIES.map(([provide, useClass]) => ({ provide, useClass })),
  exports: SYSTEM_REPOSITORIES.map(([token]) => token),
})
export class SystemRepositoriesModule {}
