import { createHash } from 'node:crypto';
import {
  ConsentEntityType,
  presentDecodedMessage,
  type XmtpConsent,
  type XmtpConversation,
  type XmtpDecodedMessage,
} from '@mailroom/xmtp';
import { consentName, presentConversation } from '../conversations/conversation.presenter.js';
import type { MailroomEvent } from '../events/mailroom-event.js';

/** Who the events are about: the hosted identity (its inbox tells its own messages apart). */
export interface EventOwner {
  readonly tenantId: string;
  readonly identityId: string;
  readonly inboxId: string;
}

export interface ConsentChange {
  entityType: 'conversation' | 'inbox';
  entity: string;
  state: 'allowed' | 'denied' | 'unknown';
}

const isoOfNs = (ns: bigint) => new Date(Number(ns / 1_000_000n)).toISOString();

/** A message event; its id is the XMTP message id, so every replay of it dedupes. */
export function messageEvent(owner: EventOwner, message: XmtpDecodedMessage<unknown>): MailroomEvent {
  const view = presentDecodedMessage(message);
  return {
    id: message.id,
    type: message.senderInboxId === owner.inboxId ? 'message.sent' : 'message.received',
    createdAt: view.sentAt,
    tenantId: owner.tenantId,
    identityId: owner.identityId,
    data: { ...view },
  };
}

/** A new conversation of the identity; the id is derived from the conversation (one per identity and conversation). */
export function conversationEvent(owner: EventOwner, conversation: XmtpConversation<unknown>): MailroomEvent {
  const view = presentConversation(conversation);
  return {
    id: derivedId('conversation.created', owner.identityId, conversation.id),
    type: 'conversation.created',
    createdAt: isoOfNs(conversation.createdAtNs),
    tenantId: owner.tenantId,
    identityId: owner.identityId,
    data: { ...view, identityId: owner.identityId },
  };
}

/**
 * A consent change. Consent records carry no time of their own, so the id includes when the gateway observed the
 * change: the same stream value dedupes, a later flip back to the same state is a new event.
 */
export function consentEvent(owner: EventOwner, consent: XmtpConsent, observedAt: Date): MailroomEvent {
  const change: ConsentChange = {
    entityType: consent.entityType === ConsentEntityType.InboxId ? 'inbox' : 'conversation',
    entity: consent.entity,
    state: consentName(consent.state),
  };
  return {
    id: derivedId(
      'consent.updated',
      owner.identityId,
      change.entityType,
      change.entity,
      change.state,
      String(observedAt.getTime()),
    ),
    type: 'consent.updated',
    createdAt: observedAt.toISOString(),
    tenantId: owner.tenantId,
    identityId: owner.identityId,
    data: { ...change },
  };
}

function derivedId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}
