import {
  DeliveryStatus,
  GroupMessageKind,
  ReactionAction,
  ReactionSchema,
  type DecodedMessage,
  type Message,
} from '@xmtp/node-sdk';
import {
  actionsFromSdk,
  attachmentFromSdk,
  intentFromSdk,
  remoteAttachmentFromSdk,
  transactionReferenceFromSdk,
  walletSendCallsFromSdk,
} from './rich-content.js';

export type ContentTypeView = {
  authorityId: string;
  typeId: string;
  versionMajor: number;
  versionMinor: number;
};

export type DeliveryStatusName = 'unpublished' | 'published' | 'failed';

/** A message as Mailroom's transports show it: plain JSON, no bigint, no bytes except base64. */
export type MessageView = {
  id: string;
  conversationId: string;
  senderInboxId: string;
  /** ISO 8601. */
  sentAt: string;
  /** Nanoseconds since the epoch, as a decimal string. */
  sentAtNs: string;
  /** `membership_change` for group updates, `application` for everything sent by a member. */
  kind: 'application' | 'membership_change';
  contentType: ContentTypeView;
  /**
   * Decoded content of a known type: a string for text and markdown; for transaction references, wallet calls,
   * actions, intents and (remote) attachments the JSON they are sent in (rich-content.ts); null for an unknown type.
   */
  content: unknown;
  /** The text of text, markdown and (text) reply messages; null otherwise. */
  text: string | null;
  fallback: string | null;
  /** Base64 of the encoded content bytes when the type is unknown to Mailroom; null otherwise. */
  encodedContent: string | null;
  deliveryStatus: DeliveryStatusName;
};

const DELIVERY: Record<number, DeliveryStatusName> = {
  [DeliveryStatus.Unpublished]: 'unpublished',
  [DeliveryStatus.Published]: 'published',
  [DeliveryStatus.Failed]: 'failed',
};
const REACTION_ACTION: Record<number, string> = {
  [ReactionAction.Added]: 'added',
  [ReactionAction.Removed]: 'removed',
  [ReactionAction.Unknown]: 'unknown',
};
const REACTION_SCHEMA: Record<number, string> = {
  [ReactionSchema.Unicode]: 'unicode',
  [ReactionSchema.Shortcode]: 'shortcode',
  [ReactionSchema.Custom]: 'custom',
  [ReactionSchema.Unknown]: 'unknown',
};

/** bigint → decimal string, bytes → base64, recursively; everything else as is. */
export function jsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, jsonSafe(v)]),
    );
  }
  return value;
}

interface DecodedReaction {
  reference: string;
  referenceInboxId?: string;
  action: number;
  schema: number;
  content: string;
}

interface DecodedReply {
  referenceId: string;
  content: unknown;
  contentType?: ContentTypeView;
}

/**
 * Authorities whose content types the SDK decodes itself (XMTP's own, and Coinbase's actions and intents); messages of
 * other authorities are shown as base64 `encodedContent`.
 */
export const SDK_DECODED_AUTHORITIES: ReadonlySet<string> = new Set(['xmtp.org', 'coinbase.com']);

/** Structured types shown in the same JSON a client sends them in (see rich-content.ts), by `authority/type`. */
const RICH_CONTENT: Record<string, (content: never) => unknown> = {
  'xmtp.org/transactionReference': transactionReferenceFromSdk,
  'xmtp.org/walletSendCalls': walletSendCallsFromSdk,
  'coinbase.com/actions': actionsFromSdk,
  'coinbase.com/intent': intentFromSdk,
  'xmtp.org/attachment': attachmentFromSdk,
  'xmtp.org/remoteStaticAttachment': remoteAttachmentFromSdk,
};

function presentContent(type: ContentTypeView, content: unknown): { content: unknown; text: string | null } {
  if (content === undefined || content === null) return { content: null, text: null };
  const rich = RICH_CONTENT[`${type.authorityId}/${type.typeId}`];
  if (rich) return { content: rich(content as never), text: null };
  switch (type.typeId) {
    case 'text':
    case 'markdown':
      return { content, text: typeof content === 'string' ? content : null };
    case 'reaction': {
      const r = content as DecodedReaction;
      return {
        content: {
          reference: r.reference,
          referenceInboxId: r.referenceInboxId || null,
          action: REACTION_ACTION[r.action] ?? 'unknown',
          schema: REACTION_SCHEMA[r.schema] ?? 'unknown',
          content: r.content,
        },
        text: null,
      };
    }
    case 'reply': {
      const r = content as DecodedReply;
      const inner = typeof r.content === 'string' ? r.content : null;
      return {
        content: { reference: r.referenceId, contentType: r.contentType ?? null, content: jsonSafe(r.content ?? null) },
        text: inner,
      };
    }
    default:
      return { content: jsonSafe(content), text: null };
  }
}

function base(
  m: { id: string; senderInboxId: string; sentAtNs: bigint; kind: GroupMessageKind; deliveryStatus: DeliveryStatus },
  conversationId: string,
) {
  return {
    id: m.id,
    conversationId,
    senderInboxId: m.senderInboxId,
    sentAt: new Date(Number(m.sentAtNs / 1_000_000n)).toISOString(),
    sentAtNs: m.sentAtNs.toString(),
    kind: m.kind === GroupMessageKind.MembershipChange ? ('membership_change' as const) : ('application' as const),
    deliveryStatus: DELIVERY[m.deliveryStatus] ?? 'unpublished',
  };
}

const UNKNOWN_TYPE: ContentTypeView = { authorityId: 'unknown', typeId: 'unknown', versionMajor: 0, versionMinor: 0 };

/**
 * A stored message from the raw listing, with its decoded form when the SDK knows its type (`decoded` undefined,
 * or its content undefined, means unknown: the bytes are returned as base64).
 */
export function presentRawMessage(raw: Message, decoded: DecodedMessage<unknown> | undefined): MessageView {
  const contentType = { ...(raw.content.type ?? UNKNOWN_TYPE) };
  const known = decoded !== undefined && decoded.content !== undefined;
  const { content, text } = known ? presentContent(contentType, decoded.content) : { content: null, text: null };
  return {
    ...base(raw, raw.convoId),
    contentType,
    content,
    text,
    fallback: raw.content.fallback ?? null,
    encodedContent: known ? null : Buffer.from(raw.content.content).toString('base64'),
  };
}

/** A decoded message of a known type (e.g. the one just sent). */
export function presentDecodedMessage(decoded: DecodedMessage<unknown>): MessageView {
  const contentType = { ...decoded.contentType };
  const { content, text } = presentContent(contentType, decoded.content);
  return {
    ...base(decoded, decoded.conversationId),
    contentType,
    content,
    text,
    fallback: decoded.fallback ?? null,
    encodedContent: null,
  };
}
