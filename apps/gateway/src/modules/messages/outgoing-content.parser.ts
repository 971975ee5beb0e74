import type { OutgoingContent } from '@mailroom/xmtp';
import type { FieldProblem } from '../../common/errors/index.js';
import { isInboxId, validationFailed } from '../conversations/identifiers.js';

/**
 * Largest text, markdown or reply body accepted, in UTF-8 bytes. XMTP caps one message just under 1 MB after
 * encoding and encryption; 256 KiB leaves room for that overhead and keeps request bodies small.
 */
export const MAX_TEXT_BYTES = 256 * 1024;
const MAX_REACTION_BYTES = 1024;
const MESSAGE_ID = /^[0-9a-f]{64}$/;

/** Validates the `content` of a send request (any transport) and returns the typed content to send. */
export function parseOutgoingContent(raw: unknown): OutgoingContent {
  const problems: FieldProblem[] = [];
  const input = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const text = (field: string, max = MAX_TEXT_BYTES): string => {
    const value = input[field];
    if (typeof value !== 'string' || value.trim() === '') {
      problems.push({ field: `content.${field}`, message: 'must be a non-empty string' });
      return '';
    }
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > max) problems.push({ field: `content.${field}`, message: `is ${bytes} bytes; the limit is ${max} bytes (UTF-8)` });
    return value;
  };
  const reference = (): string => {
    const value = input.reference;
    if (typeof value !== 'string' || !MESSAGE_ID.test(value.toLowerCase())) {
      problems.push({ field: 'content.reference', message: 'must be a message id (64 hex)' });
      return '';
    }
    return value.toLowerCase();
  };
  const oneOf = <T extends string>(field: string, allowed: readonly T[]): T => {
    const value = input[field];
    if (typeof value !== 'string' || !allowed.includes(value as T)) {
      problems.push({ field: `content.${field}`, message: `must be one of ${allowed.join(', ')}` });
    }
    return value as T;
  };
  const referenceInboxId = (): string | undefined => {
    const value = input.referenceInboxId;
    if (value === undefined) return undefined;
    if (!isInboxId(value)) problems.push({ field: 'content.referenceInboxId', message: 'must be an inbox id (64 hex)' });
    return typeof value === 'string' ? value.toLowerCase() : undefined;
  };

  let content: OutgoingContent;
  switch (input.type) {
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
        action: oneOf('action', ['added', 'removed'] as const),
        schema: oneOf('schema', ['unicode', 'shortcode', 'custom'] as const),
        content: text('content', MAX_REACTION_BYTES),
      };
      break;
    case 'readReceipt':
      content = { type: 'readReceipt' };
      break;
    default:
      throw validationFailed([{ field: 'content.type', message: 'must be one of text, markdown, reply, reaction, readReceipt' }]);
  }
  if (problems.length) throw validationFailed(problems);
  return content;
}
