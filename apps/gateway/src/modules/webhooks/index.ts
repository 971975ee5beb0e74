export { WebhooksModule } from './webhooks.module.js';
export { WebhookOutbox, webhookBody, type OutboxTarget } from './webhook-outbox.js';
export {
  signMailroomPayload,
  verifyMailroomSignature,
  DEFAULT_TOLERANCE_SECONDS,
  type VerifyMailroomSignatureInput,
} from './signature.js';
export { retryDelayMs, nextAttemptAt, type RetryPolicy } from './retry-schedule.js';
