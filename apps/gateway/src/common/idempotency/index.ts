export { IdempotencyModule } from './idempotency.module.js';
export { IdempotencyService } from './idempotency.service.js';
export {
  IdempotencyRecords,
  PrismaIdempotencyRecords,
  type IdempotencyRecordView,
  type StoredResponse,
} from './idempotency-records.js';
export {
  checkedIdempotencyKey,
  Idempotent,
  IdempotencyKey,
  idempotencyKeyOf,
  IDEMPOTENCY_HEADER,
  IDEMPOTENT_OPERATION,
} from './idempotency-key.js';
export { requestFingerprint, canonicalJson } from './request-fingerprint.js';
