import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { EventBus } from '@mailroom/events';
import { tenantScope } from '@mailroom/persistence';
import type { ApiKeyPrincipal } from '../../common/auth/index.js';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { EVENT_BUS } from '../../runtime.js';
import { ApiKeyLookupSystemRepository } from '../../system/index.js';
import { hashApiKey, isWellFormedApiKey } from './api-key-secret.js';
import { API_KEY_REVOKED, type ApiKeyRevoked } from './api-key-revocations.js';

/** lastUsedAt is written at most this often per key, so traffic does not turn into writes. */
export const LAST_USED_RESOLUTION_MS = 60_000;
/**
 * How long a resolved key is trusted without asking Postgres. Revocations are pushed to every replica through the
 * event bus at once; this bounds how long a revoked key could live on if the bus lost the message.
 */
export const API_KEY_CACHE_TTL_MS = 30_000;
const MAX_CACHED_KEYS = 10_000;

interface CachedKey {
  readonly principal: ApiKeyPrincipal;
  readonly until: number;
}

/** Resolves an API key to its principal: by hash lookup, then from memory until revoked or expired. */
@Injectable()
export class ApiKeyAuthenticator implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ApiKeyAuthenticator.name);
  private readonly lastTouched = new Map<string, number>();
  /** By key hash; Map order is insertion order, refreshed on each hit, so the first entry is the least recently used. */
  private readonly cache = new Map<string, CachedKey>();
  private readonly hashesById = new Map<string, string>();
  private unsubscribe?: () => Promise<void>;

  constructor(
    private readonly keys: ApiKeyLookupSystemRepository,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
  ) {}

  async onModuleInit(): Promise<void> {
    this.unsubscribe = await this.bus.subscribe<ApiKeyRevoked>(API_KEY_REVOKED, ({ apiKeyId }) =>
      this.forget(apiKeyId),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.unsubscribe?.().catch((error: unknown) =>
      this.logger.warn({ err: error }, 'could not unsubscribe from key revocations'),
    );
  }

  async authenticate(key: string): Promise<ApiKeyPrincipal> {
    if (!isWellFormedApiKey(key)) throw invalidKey();
    const hash = hashApiKey(key);
    const now = Date.now();
    const cached = this.cache.get(hash);
    if (cached && cached.until > now) {
      this.cache.delete(hash);
      this.cache.set(hash, cached);
      this.touch(cached.principal.apiKeyId, null, now);
      return cached.principal;
    }
    // Unscoped by necessity: the key is what tells us the tenant.
    const row = await this.keys.findByHash(hash);
    if (!row || row.revokedAt) {
      this.cache.delete(hash);
      throw invalidKey();
    }
    const principal: ApiKeyPrincipal = {
      type: 'apiKey',
      tenantId: row.tenantId,
      apiKeyId: row.id,
      scopes: row.scopes,
      scope: tenantScope(row.tenantId),
    };
    this.remember(hash, principal, now);
    this.touch(row.id, row.lastUsedAt, now);
    return principal;
  }

  /** Drops a key from this replica's memory (it was revoked here or on another replica). */
  forget(apiKeyId: string): void {
    const hash = this.hashesById.get(apiKeyId);
    if (hash) this.cache.delete(hash);
    this.hashesById.delete(apiKeyId);
  }

  private remember(hash: string, principal: ApiKeyPrincipal, now: number): void {
    this.cache.delete(hash);
    this.cache.set(hash, { principal, until: now + API_KEY_CACHE_TTL_MS });
    this.hashesById.set(principal.apiKeyId, hash);
    while (this.cache.size > MAX_CACHED_KEYS) {
      const [oldest, entry] = this.cache.entries().next().value as [string, CachedKey];
      this.cache.delete(oldest);
      this.hashesById.delete(entry.principal.apiKeyId);
    }
  }

  /** Fire-and-forget; the conditional update keeps several replicas to about one write a minute too. */
  private touch(id: string, lastUsedAt: Date | null, now: number): void {
    const known = Math.max(this.lastTouched.get(id) ?? 0, lastUsedAt?.getTime() ?? 0);
    if (this.lastTouched.size > MAX_CACHED_KEYS) this.lastTouched.clear();
    if (now - known < LAST_USED_RESOLUTION_MS) {
      this.lastTouched.set(id, known);
      return;
    }
    this.lastTouched.set(id, now);
    this.keys
      .recordUse(id, new Date(now), new Date(now - LAST_USED_RESOLUTION_MS))
      .catch((error: unknown) => this.logger.warn({ err: error, apiKeyId: id }, 'could not record API key use'));
  }
}

function invalidKey(): DomainError {
  return new DomainError(ErrorCode.Unauthenticated, 'The API key is not valid or has been revoked.');
}
