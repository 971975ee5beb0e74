export { AdminAccountsSystemRepository, type RefreshTokenWithSubject } from './admin-accounts.system-repository.js';
export { ApiKeyLookupSystemRepository, type ApiKeyCredential } from './api-key-lookup.system-repository.js';
export {
  AttachmentUploadSweepSystemRepository,
  type ExpiredUpload,
} from './attachment-upload-sweep.system-repository.js';
export { BroadcastRunsSystemRepository } from './broadcast-runs.system-repository.js';
export { EventCursorsSystemRepository, type EventCursor } from './event-cursors.system-repository.js';
export { InterruptedIdentitiesSystemRepository } from './interrupted-identities.system-repository.js';
export { RealtimeStreamsSystemRepository } from './realtime-streams.system-repository.js';
export { SignupRequestsSystemRepository, type NewSignupRequest } from './signup-requests.system-repository.js';
export { SystemRepositoriesModule } from './system-repositories.module.js';
