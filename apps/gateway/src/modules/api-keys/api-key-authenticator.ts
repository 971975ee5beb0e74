import { Injectable, Logger } from '@nestjs/common';
import { PrismaClient, tenantScope } from '@mailroom/persistence';
import type { ApiKeyPrincipal } from '../../common/auth/index.js';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { hashApiKey, isWellFormedApiKey } from './api-key-secret.js';

/** lastUsedAt is written at most this often per key, so traffic does not turn into writes. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** Resolves an API key to its principal by hash lookup. */
@Injectable()
export class ApiKeyAuthenticator {
  private readonly logger = new Logger(ApiKeyAuthenticator.name);
  private readonly lastTouched = new Map<string, number>();

  constructor(private readonly prisma: PrismaClient) {}

  async authenticate(key: string): Promise<ApiKeyPrincipal> {
    if (!isWellFormedApiKey(key)) throw invalidKey();
    // Unscoped by necessity: the key is what tells us the tenant.
    const row = await this.prisma.apiKey.findUnique({
      where: { hash: hashApiKey(key) },
      select: { id: true, tenantId: true, scopes: true, revokedAt: true, lastUsedAt: true },
    });
    if (!row || row.revokedAt) throw invalidKey();
    this.touch(row.id, row.lastUsedAt);
    return { type: 'apiKey', tenantId: row.tenantId, apiKeyId: row.id, scopes: row.scopes, scope: tenantScope(row.tenantId) };
  }

  /** Fire-and-forget; the conditional update keeps several replicas to about one write a minute too. */
  private touch(id: string, lastUsedAt: Date | null): void {
    const now = Date.now();
    const known = Math.max(this.lastTouched.get(id) ?? 0, lastUsedAt?.getTime() ?? 0);
    if (now - known < LAST_USED_RESOLUTION_MS) return;
    this.lastTouched.set(id, now);
    if (this.lastTouched.size > 10_000) this.lastTouched.clear();
    const threshold = new Date(now - LAST_USED_RESOLUTION_MS);
    this.prisma.apiKey
      .updateMany({
        where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: threshold } }] },
        data: { lastUsedAt: new Date(now) },
      })
      .catch((error: unknown) => this.logger.warn({ err: error, apiKeyId: id }, 'could not record API key use'));
  }
}

function invalidKey(): DomainError {
  return new DomainError(ErrorCode.Unauthenticated, 'The API key is not valid or has been revoked.');
}
