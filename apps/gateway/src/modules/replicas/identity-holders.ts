import { findIdentityLockHolder } from '@mailroom/persistence';

const SESSION_PREFIX = 'mailroom ';
/** Long enough to keep Postgres off the hot path, short enough that a take-over is noticed almost at once. */
export const HOLDER_CACHE_TTL_MS = 2_000;
const MAX_CACHED_HOLDERS = 10_000;

/** What can run the holder lookup (a pg client or a Prisma-backed shim). */
export interface HolderQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
}

interface CachedHolder {
  readonly owner: Promise<string | undefined>;
  readonly until: number;
}

/** The lock session name that tells other replicas where this one is. */
export function sessionNameFor(internalUrl: string): string {
  return `${SESSION_PREFIX}${internalUrl}`;
}

/**
 * Which replica holds each identity's lock (its internal URL), remembered for a short while so that routing a
 * request costs no Postgres round trip on the hot path. Concurrent lookups of one identity share one query.
 */
export class IdentityHolders {
  /** Map order is insertion order: the first entry is the oldest. */
  private readonly cache = new Map<string, CachedHolder>();

  constructor(
    private readonly db: HolderQueryable,
    private readonly ttlMs: number = HOLDER_CACHE_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The internal URL of the replica holding the identity, or undefined when no replica holds it. */
  ownerOf(identityId: string): Promise<string | undefined> {
    const now = this.now();
    const cached = this.cache.get(identityId);
    if (cached && cached.until > now) return cached.owner;
    const owner = findIdentityLockHolder(this.db, identityId).then((holder) =>
      holder?.startsWith(SESSION_PREFIX) ? holder.slice(SESSION_PREFIX.length) : undefined,
    );
    const entry = { owner, until: now + this.ttlMs };
    this.cache.delete(identityId);
    this.cache.set(identityId, entry);
    // A failed lookup is not remembered.
    owner.catch(() => {
      if (this.cache.get(identityId) === entry) this.cache.delete(identityId);
    });
    while (this.cache.size > MAX_CACHED_HOLDERS) this.cache.delete(this.cache.keys().next().value as string);
    return owner;
  }

  /** Forgets what is known about an identity's holder (it did not answer). */
  forget(identityId: string): void {
    this.cache.delete(identityId);
  }
}
