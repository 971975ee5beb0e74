/** What a failed SDK call meant, for the caller to turn into its own error. libxmtp reports errors as strings. */
export type XmtpFailure = 'inactive' | 'permission' | 'unknown_inbox' | 'unknown_identifier' | 'sole_member' | 'other';

const PATTERNS: Array<[RegExp, XmtpFailure]> = [
  [/group is inactive|not an active member|pending remov/i, 'inactive'],
  [/cannot leave a group that has only one member/i, 'sole_member'],
  [/insufficient permission|policy|not authorized|permission denied|unauthorized|only .*admin/i, 'permission'],
  [/inbox id for address .* not found|address .* not found|identifier .* not found/i, 'unknown_identifier'],
  [/SequenceId not found|inbox .* not found|missing identity update|no identity updates/i, 'unknown_inbox'],
];

export function classifyXmtpError(error: unknown): XmtpFailure {
  const message = error instanceof Error ? error.message : String(error);
  for (const [pattern, failure] of PATTERNS) if (pattern.test(message)) return failure;
  return 'other';
}
