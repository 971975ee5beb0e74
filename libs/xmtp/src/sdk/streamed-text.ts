// A stored text or markdown message decoded from the bytes the bindings hand over, without the SDK's read of it from
// the client's database (the adapters use it for streamed messages: decodeStreamedTextWithoutRereading in
// sdk5-internals.ts).
import type { DecodedMessage } from '@xmtp/node-sdk';
import type { RawMessage } from './adapter.js';

const TEXT_TYPES: ReadonlySet<string> = new Set(['text', 'markdown']);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A stored text or markdown message (xmtp.org, version 1, uncompressed UTF-8) as the SDK's DecodedMessage shows it;
 * undefined for any other message. A streamed message is new: no replies or reactions yet. Its expiry (disappearing
 * messages) is not in the stored value and is left undefined.
 */
export function decodeTextMessage(
  message: RawMessage,
  prototype: object = Object.prototype,
): DecodedMessage<unknown> | undefined {
  const { type, parameters, compression, fallback, content } = message.content;
  if (type?.authorityId !== 'xmtp.org' || !TEXT_TYPES.has(type.typeId) || type.versionMajor !== 1) return undefined;
  if (compression !== undefined && compression !== null) return undefined;
  const encoding = parameters.encoding;
  if (encoding !== undefined && encoding.toUpperCase() !== 'UTF-8') return undefined;
  let text: string;
  try {
    text = utf8.decode(content);
  } catch {
    return undefined;
  }
  const fields: DecodedMessage<unknown> = {
    id: message.id,
    sentAtNs: message.sentAtNs,
    sentAt: new Date(Number(message.sentAtNs / 1_000_000n)),
    conversationId: message.convoId,
    senderInboxId: message.senderInboxId,
    contentType: { ...type },
    content: text,
    fallback: fallback ?? undefined,
    kind: message.kind,
    deliveryStatus: message.deliveryStatus,
    numReplies: 0,
    reactions: [],
    expiresAtNs: undefined,
    expiresAt: undefined,
  };
  return Object.assign(Object.create(prototype) as DecodedMessage<unknown>, fields);
}
