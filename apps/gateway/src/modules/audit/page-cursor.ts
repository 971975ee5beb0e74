import { DomainError, ErrorCode } from '../../common/errors/index.js';

/** Position after the last row of a page, for lists ordered by (createdAt desc, id desc). */
export interface PagePosition {
  readonly createdAt: Date;
  readonly id: string;
}

export const DEFAULT_PAGE_SIZE = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const MAX_PAGE_SIZE = 100;

/** Opaque to clients: base64url JSON. */
export function encodeCursor(position: PagePosition): string {
  return Buffer.from(JSON.stringify({ t: position.createdAt.toISOString(), i: position.id })).toString('base64url');
}

export function decodeCursor(cursor: string): PagePosition {
  try {
    const { t, i } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { t?: unknown; i?: unknown };
    const createdAt = new Date(String(t));
    if (typeof i !== 'string' || !UUID.test(i) || typeof t !== 'string' || Number.isNaN(createdAt.getTime()))
      throw new Error('shape');
    return { createdAt, id: i };
  } catch {
    throw new DomainError(ErrorCode.ValidationFailed, 'cursor is not valid', {
      errors: [{ field: 'cursor', message: 'cursor is not valid' }],
    });
  }
}

/** Prisma `where` fragment for rows strictly after `position` in (createdAt desc, id desc) order. */
export function afterPosition(position: PagePosition | undefined) {
  if (!position) return {};
  return {
    OR: [{ createdAt: { lt: position.createdAt } }, { createdAt: position.createdAt, id: { lt: position.id } }],
  };
}

/** Rows were fetched with `take: limit + 1`; trims the extra row and derives the next cursor from the last kept one. */
export function toPage<T extends PagePosition, R>(
  rows: readonly T[],
  limit: number,
  map: (row: T) => R,
): { items: R[]; nextCursor: string | null } {
  const kept = rows.slice(0, limit);
  const last = kept.at(-1);
  return { items: kept.map(map), nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}
