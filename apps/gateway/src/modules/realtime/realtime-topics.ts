import type { EventBus } from '@mailroom/events';
import type { MailroomEvent } from '../events/mailroom-event.js';

/** What an identity's realtime channels carry, by kind. */
export type IdentityTopicKind = 'message' | 'conversation' | 'consent';

/** Asks the process that owns an identity to stream it (a GraphQL subscriber exists somewhere). */
export interface InterestNotice {
  readonly tenantId: string;
  readonly identityId: string;
  /** Heartbeats repeat well within this; the owner stops streaming for subscribers once it passes without one. */
  readonly ttlMs: number;
}

/**
 * Typed bus topics, one channel per tenant, identity and kind: a subscriber listens to exactly the identity it may
 * see, so an event never reaches (nor executes for) unrelated sockets.
 */
export interface TopicDefs {
  [topic: `mailroom/tenant/${string}/identity/${string}/message`]: MailroomEvent;
  [topic: `mailroom/tenant/${string}/identity/${string}/conversation`]: MailroomEvent;
  [topic: `mailroom/tenant/${string}/identity/${string}/consent`]: MailroomEvent;
  'mailroom/realtime/interest': InterestNotice;
}

export type Topic = keyof TopicDefs;

export const INTEREST_TOPIC = 'mailroom/realtime/interest' as const;

export function identityTopic(tenantId: string, identityId: string, kind: IdentityTopicKind) {
  return `mailroom/tenant/${tenantId}/identity/${identityId}/${kind}` as const;
}

export function topicKindOf(event: Pick<MailroomEvent, 'type'>): IdentityTopicKind | undefined {
  switch (event.type) {
    case 'message.received':
    case 'message.sent':
      return 'message';
    case 'conversation.created':
      return 'conversation';
    case 'consent.updated':
      return 'consent';
    default:
      return undefined;
  }
}

/** The event bus seen through its typed topics. */
export class RealtimeTopics {
  constructor(private readonly bus: EventBus) {}

  publish<T extends Topic>(topic: T, payload: TopicDefs[T]): Promise<void> {
    return this.bus.publish(topic, payload);
  }

  subscribe<T extends Topic>(topic: T, handler: (payload: TopicDefs[T]) => void): Promise<() => Promise<void>> {
    return this.bus.subscribe<TopicDefs[T]>(topic, (payload) => handler(payload));
  }
}
