import { OUTGOING_CONTENT_TYPES, type OutgoingContent } from '@mailroom/xmtp';
import type { FieldProblem } from '../../common/errors/index.js';
import { isInboxId, validationFailed } from '../conversations/identifiers.js';
import { FieldReader } from './content-fields.js';
import {
  INLINE_ATTACHMENT_MAX_BYTES,
  readActions,
  readAttachment,
  readIntent,
  readRemoteAttachment,
  readTransactionReference,
  readWalletSendCalls,
} from './structured-content.parser.js';

/**
 * Largest text, markdown or reply body accepted, in UTF-8 bytes. XMTP caps one message just under 1 MB after
 * encoding and encryption; 256 KiB leaves room for that overhead and keeps request bodies small.
 */
export const MAX_TEXT_BYTES = 256 * 1024;
/** Largest JSON of a transaction reference, wallet calls, actions or intent. */
export const MAX_STRUCTURED_BYTES = 256 * 1024;
const MAX_REACTION_BYTES = 1024;
const MESSAGE_ID = /^[0-9a-f]{64}$/;
const STRUCTURED = new Set(['transactionReference', 'walletSendCalls', 'actions', 'intent']);

export interface OutgoingContentLimits {
  /** Largest inline attachment in bytes (at most INLINE_ATTACHMENT_MAX_BYTES). */
  inlineAttachmentMaxBytes: number;
}

/** Validates the `content` of a send request (any transport) and returns the typed content to send. */
export function parseOutgoingContent(raw: unknown, limits?: OutgoingContentLimits): OutgoingContent {
  const problems: FieldProblem[] = [];
  const reader = FieldReader.root(raw, 'content', problems);
  const text = (field: string, max = MAX_TEXT_BYTES) => reader.string(field, { max });
  const reference = (): string => {
    const value = reader.raw('reference');
    if (typeof value !== 'string' || !MESSAGE_ID.test(value.toLowerCase())) {
      reader.fail('reference', 'must be a message id (64 hex)');
      return '';
    }
    return value.toLowerCase();
  };
  const referenceInboxId = (): string | undefined => {
    const value = reader.raw('referenceInboxId');
    if (value === undefined) return undefined;
    if (!isInboxId(value)) reader.fail('referenceInboxId', 'must be an inbox id (64 hex)');
    return typeof value === 'string' ? value.toLowerCase() : undefined;
  };

  const type = reader.raw('type');
  if (typeof type === 'string' && STRUCTURED.has(type)) {
    const bytes = Buffer.byteLength(JSON.stringify(raw), 'utf8');
    if (bytes > MAX_STRUCTURED_BYTES)
      throw validationFailed([
        { field: 'content', message: `is ${bytes} bytes of JSON; the limit is ${MAX_STRUCTURED_BYTES}` },
      ]);
  }
  let content: OutgoingContent;
  switch (type) {
    case 'text':
      content = { type: 'text', text: text('text') };
      break;
    case 'markdown':
      content = { type: 'markdown', markdown: text('markdown') };
      break;
    case 'reply':
      content = { type: 'reply', reference: reference(), referenceInboxId: referenceInboxId(), text: text('text') };
      break;
    case 'reaction':
      content = {
        type: 'reaction',
        reference: reference(),
        referenceInboxId: referenceInboxId(),
        action: reader.oneOf('action', ['added', 'removed'] as const),
        schema: reader.oneOf('schema', ['unicode', 'shortcode', 'custom'] as const),
        content: text('content', MAX_REACTION_BYTES),
      };
      break;
    case 'readReceipt':
      content = { type: 'readReceipt' };
      break;
    case 'transactionReference':
      content = { type, ...readTransactionReference(reader) };
      break;
    case 'walletSendCalls':
      content = { type, ...readWalletSendCalls(reader) };
      break;
    case 'actions':
      content = { type, ...readActions(reader) };
      break;
    case 'intent':
      content = { type, ...readIntent(reader) };
      break;
    case 'attachment':
      content = {
        type,
        ...readAttachment(
          reader,
          Math.min(limits?.inlineAttachmentMaxBytes ?? INLINE_ATTACHMENT_MAX_BYTES, INLINE_ATTACHMENT_MAX_BYTES),
        ),
      };
      break;
    case 'remoteAttachment':
      content = { type, ...readRemoteAttachment(reader) };
      break;
    default:
      throw validationFailed([
        { field: 'content.type', message: `must be one of ${OUTGOING_CONTENT_TYPES.join(', ')}` },
      ]);
  }
  if (problems.length) throw validationFailed(problems);
  return content;
}
