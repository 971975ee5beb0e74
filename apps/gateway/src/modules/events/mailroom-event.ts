/**
 * The typed events Mailroom emits for hosted identities, on the event bus (GraphQL subscriptions) and to webhooks.
 * `id` is stable for the same underlying fact (the XMTP message id for messages), so replays dedupe.
 */
export const MAILROOM_EVENT_TYPES = [
  'message.received',
  'message.sent',
  'conversation.created',
  'consent.updated',
  'installation.budget',
  'broadcast.completed',
] as const;

export type MailroomEventType = (typeof MAILROOM_EVENT_TYPES)[number];

export interface MailroomEvent<T = Record<string, unknown>> {
  /** Stable id: the message id for message events, a derived id for the others. */
  readonly id: string;
  readonly type: MailroomEventType;
  /** ISO 8601 time the fact happened (for messages: sent-at). */
  readonly createdAt: string;
  readonly tenantId: string;
  readonly identityId: string;
  readonly data: T;
}

export function isMailroomEventType(value: string): value is MailroomEventType {
  return (MAILROOM_EVENT_TYPES as readonly string[]).includes(value);
}
