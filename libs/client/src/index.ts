export {
  createClient,
  type ApiPath,
  type CallMethod,
  type ClientOptions,
  type Credentials,
  type MailroomClient,
} from './rest.js';
export { MailroomApiError, MailroomNetworkError, type Problem, type ProblemCode } from './errors.js';
export {
  subscribe,
  DEFAULT_SELECTIONS,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionName,
  type SubscriptionResults,
  type SubscriptionVariables,
} from './subscribe.js';
export {
  verifyWebhook,
  WebhookVerificationError,
  type VerifyWebhookOptions,
  type WebhookEvent,
  type WebhookEventOf,
  type WebhookEventType,
  type WebhookHeaders,
} from './webhooks.js';
export type { components, operations, paths, webhooks } from './generated/openapi.js';
import type { components } from './generated/openapi.js';

/** A schema of the API by name, e.g. `Schema<'IdentityResponse'>`. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];
