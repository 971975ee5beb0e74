const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

export const DEFAULT_MIME_TYPE = 'application/octet-stream';

/** The bare, lowercased media type of a Content-Type value (parameters dropped); octet-stream when unusable. */
export function normalizeMimeType(raw: string | undefined | null): string {
  const bare = (raw ?? '').split(';')[0]!.trim().toLowerCase();
  return MIME_TYPE.test(bare) ? bare : DEFAULT_MIME_TYPE;
}

function matches(type: string, pattern: string): boolean {
  if (pattern === '*' || pattern === '*/*') return true;
  if (pattern.endsWith('/*')) return type.startsWith(pattern.slice(0, -1));
  return type === pattern;
}

/** Allowed when some allow pattern matches and no deny pattern does (deny wins). */
export function isMimeTypeAllowed(type: string, allow: readonly string[], deny: readonly string[]): boolean {
  return allow.some((pattern) => matches(type, pattern)) && !deny.some((pattern) => matches(type, pattern));
}
