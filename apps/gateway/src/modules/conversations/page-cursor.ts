import { validationFailed } from './identifiers.js';

/**
 * Keyset cursor over items ordered by a nanosecond timestamp. libxmtp timestamps have millisecond resolution, so
 * several items can share one; the cursor remembers the ids already returned at its timestamp and skips them.
 */
export interface TimeCursor {
  ns: bigint;
  seen: string[];
  direction: 'asc' | 'desc';
}

export function encodeCursor(cursor: TimeCursor): string {
  return Buffer.from(JSON.stringify({ ns: cursor.ns.toString(), seen: cursor.seen, d: cursor.direction })).toString(
    'base64url',
  );
}

export function decodeCursor(raw: string | undefined, direction: 'asc' | 'desc'): TimeCursor | undefined {
  if (raw === undefined) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as {
      ns?: unknown;
      seen?: unknown;
      d?: unknown;
    };
    if (
      typeof parsed.ns === 'string' &&
      /^\d{1,25}$/.test(parsed.ns) &&
      Array.isArray(parsed.seen) &&
      parsed.seen.length <= 1000 &&
      parsed.seen.every((s) => typeof s === 'string') &&
      parsed.d === direction
    ) {
      return { ns: BigInt(parsed.ns), seen: parsed.seen as string[], direction };
    }
  } catch {
    // fall through
  }
  throw validationFailed([
    { field: 'cursor', message: 'is not a cursor from this list (or was made for the other direction)' },
  ]);
}

/**
 * Takes one page from `fetched` (already ordered and bounded by the cursor's timestamp, inclusive), skipping items the
 * cursor has seen, and builds the next cursor when more may follow.
 */
export function takePage<T>(
  fetched: readonly T[],
  limit: number,
  cursor: TimeCursor | undefined,
  direction: 'asc' | 'desc',
  keyOf: (item: T) => { ns: bigint; id: string },
  fetchLimit: number,
): { items: T[]; nextCursor: string | null } {
  const seen = new Set(cursor?.seen ?? []);
  const fresh = fetched.filter((item) => {
    const key = keyOf(item);
    return !(cursor && key.ns === cursor.ns && seen.has(key.id));
  });
  const items = fresh.slice(0, limit);
  const more = fresh.length > limit || fetched.length >= fetchLimit;
  if (!more || items.length === 0) return { items, nextCursor: null };
  const last = keyOf(items[items.length - 1]!);
  const sameNs = items.filter((item) => keyOf(item).ns === last.ns).map((item) => keyOf(item).id);
  const carried = cursor && cursor.ns === last.ns ? [...cursor.seen, ...sameNs] : sameNs;
  return { items, nextCursor: encodeCursor({ ns: last.ns, seen: carried, direction }) };
}
