import { signMailroomPayload } from './signature.js';
import { standardSignatureHeader } from './standard-webhooks.js';

export const WEBHOOK_USER_AGENT = 'Mailroom-Webhooks/1';

export interface WebhookHeaderInput {
  readonly eventId: string;
  readonly attempt: number;
  readonly body: string;
  /** Current secret first; during a rotation's overlap the previous one too (both sign). */
  readonly secrets: readonly string[];
  /** Unix seconds. */
  readonly timestamp: number;
}

/**
 * Headers of one attempt: the `Mailroom-*` ones existing receivers verify, and the Standard Webhooks ones
 * (`webhook-id` is the event id, stable across retries). Nothing here is secret: they are shown in the delivery log.
 */
export function webhookHeaders(input: WebhookHeaderInput): Record<string, string> {
  const { eventId, attempt, body, secrets, timestamp } = input;
  if (secrets.length === 0) throw new Error('a webhook is signed with at least one secret');
  return {
    'content-type': 'application/json',
    'user-agent': WEBHOOK_USER_AGENT,
    'mailroom-event-id': eventId,
    'mailroom-attempt': String(attempt),
    'mailroom-timestamp': String(timestamp),
    'mailroom-signature': secrets.map((secret) => signMailroomPayload(secret, timestamp, body)).join(', '),
    'webhook-id': eventId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': standardSignatureHeader(secrets, eventId, timestamp, body),
  };
}
