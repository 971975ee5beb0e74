import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@mailroom/persistence';
import { DomainError, ErrorCode } from '../errors/index.js';
import { IdempotencyRecords, type StoredResponse } from './idempotency-records.js';

export type { StoredResponse } from './idempotency-records.js';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** An in-progress record older than this belongs to a request that died with its process; a retry may take it over. */
export const ABANDONED_AFTER_MS = 2 * 60 * 1000;
const WAIT_FOR_FIRST_MS = 30_000;
const POLL_MS = 25;

export type Claim = { kind: 'claimed'; recordId: string } | { kind: 'replay'; response: StoredResponse };

/**
 * Idempotency-Key bookkeeping, per tenant and operation: the first request claims the key and runs; a retry with the
 * same request gets the first answer back, a retry with a different request is refused, and a retry that arrives
 * while the first still runs waits for its answer.
 */
@Injectable()
export class IdempotencyService {
  constructor(
    private readonly records: IdempotencyRecords,
    private readonly now: () => number = Date.now,
  ) {}

  async claim(scope: TenantScope, operation: string, key: string, requestHash: string): Promise<Claim> {
    const deadline = this.now() + WAIT_FOR_FIRST_MS;
    for (;;) {
      const claimed = await this.records.insert(scope, {
        operation,
        key,
        requestHash,
        expiresAt: new Date(this.now() + IDEMPOTENCY_TTL_MS),
      });
      if (claimed) return { kind: 'claimed', recordId: claimed };

      const existing = await this.records.find(scope, operation, key);
      if (!existing) continue; // deleted meanwhile (expired or failed first attempt): claim again
      if (existing.requestHash !== requestHash) {
        throw new DomainError(
          ErrorCode.Unprocessable,
          'This Idempotency-Key was already used with a different request. Use a new key for a new request.',
        );
      }
      if (existing.completed) {
        if (existing.expiresAt.getTime() > this.now()) return { kind: 'replay', response: existing.response! };
        await this.records.remove(scope, existing.id, existing.expiresAt);
        continue;
      }
      if (this.now() - existing.createdAt.getTime() > ABANDONED_AFTER_MS) {
        if (await this.records.takeOver(scope, existing.id, existing.createdAt, new Date(this.now())))
          return { kind: 'claimed', recordId: existing.id };
        continue;
      }
      if (this.now() > deadline) {
        throw new DomainError(
          ErrorCode.Conflict,
          'A request with this Idempotency-Key is still being processed; retry later.',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  complete(scope: TenantScope, recordId: string, response: StoredResponse): Promise<void> {
    return this.records.complete(scope, recordId, response);
  }

  /** The first attempt failed: forget the key so a retry runs again. */
  abandon(scope: TenantScope, recordId: string): Promise<void> {
    return this.records.remove(scope, recordId);
  }

  /** Drops records past their 24 h window; returns how many. */
  purgeExpired(now = new Date()): Promise<number> {
    return this.records.purgeExpired(now);
  }
}
