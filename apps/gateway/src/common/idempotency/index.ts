export { IdempotencyModule } from './idempotency.module.js';
export { IdempotencyService } from './idempotency.service.js';
export { Idempotent, IdempotencyKey, IdempotencyInterceptor, idempotencyKeyOf, IDEMPOTENCY_HEADER } from './idempotency.interceptor.js';
export { requestFingerprint, canonicalJson } from './request-fingerprint.js';
