import { DomainError, ErrorCode } from '../../common/errors/index.js';

/** What a broadcast sends: a text or markdown message (the same body as POST …/messages takes). */
export type BroadcastContent = { type: 'text'; text: string } | { type: 'markdown'; markdown: string };

export const MAX_BROADCAST_RECIPIENTS = 10_000;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const INBOX_ID = /^[0-9a-fA-F]{64}$/;

export function contentText(content: BroadcastContent): string {
  return content.type === 'text' ? content.text : content.markdown;
}

export function parseBroadcastContent(raw: unknown): BroadcastContent {
  const value = raw as Partial<{ type: string; text: unknown; markdown: unknown }> | null;
  if (value?.type === 'text' && typeof value.text === 'string' && value.text.length > 0)
    return { type: 'text', text: value.text };
  if (value?.type === 'markdown' && typeof value.markdown === 'string' && value.markdown.length > 0)
    return { type: 'markdown', markdown: value.markdown };
  throw new DomainError(
    ErrorCode.ValidationFailed,
    'content must be { type: "text", text } or { type: "markdown", markdown }.',
    {
      errors: [{ field: 'content', message: 'must be a non-empty text or markdown message' }],
    },
  );
}

/** Lowercased addresses and inbox ids, in the order given; anything else is a field error. */
export function parseRecipients(raw: unknown): string[] {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_BROADCAST_RECIPIENTS) {
    throw new DomainError(
      ErrorCode.ValidationFailed,
      `recipients must list 1 to ${MAX_BROADCAST_RECIPIENTS} addresses or inbox ids.`,
      {
        errors: [{ field: 'recipients', message: `must list 1 to ${MAX_BROADCAST_RECIPIENTS} addresses or inbox ids` }],
      },
    );
  }
  const problems: { field: string; message: string }[] = [];
  const recipients = raw.map((value, i) => {
    if (typeof value === 'string' && (ADDRESS.test(value) || INBOX_ID.test(value))) return value.toLowerCase();
    if (problems.length < 20)
      problems.push({ field: `recipients.${i}`, message: 'is not an address (0x + 40 hex) or an inbox id (64 hex)' });
    return '';
  });
  if (problems.length > 0)
    throw new DomainError(ErrorCode.ValidationFailed, 'Some recipients are not addresses or inbox ids.', {
      errors: problems,
    });
  return recipients;
}
