import type { Redis } from 'ioredis';
import type { BucketCharge, MultiBucketDecision, TokenBuckets } from './token-buckets.js';

interface WarnLogger {
  warn(payload: object, message: string): void;
}

/**
 * Shared buckets in Redis while Redis answers; this replica's own buckets while it does not, so an outage of Redis
 * relaxes the limits to per-replica ones for its duration instead of failing every request (or making each one wait
 * for the client's reconnection attempts).
 */
export class FailoverTokenBuckets implements TokenBuckets {
  private degraded = false;

  constructor(
    private readonly redis: Pick<Redis, 'status'>,
    private readonly shared: TokenBuckets,
    private readonly local: TokenBuckets,
    private readonly logger: WarnLogger,
  ) {}

  async takeAll(charges: readonly BucketCharge[]): Promise<MultiBucketDecision> {
    if (this.redis.status !== 'ready') return this.fallBack(charges, `redis is ${this.redis.status}`);
    try {
      const decision = await this.shared.takeAll(charges);
      if (this.degraded) {
        this.degraded = false;
        this.logger.warn({}, 'rate limits are shared through Redis again');
      }
      return decision;
    } catch (error) {
      return this.fallBack(charges, error instanceof Error ? error.message : String(error));
    }
  }

  private fallBack(charges: readonly BucketCharge[], reason: string): Promise<MultiBucketDecision> {
    if (!this.degraded) {
      this.degraded = true;
      this.logger.warn({ reason }, 'Redis unavailable: rate limits are per replica until it is back');
    }
    return this.local.takeAll(charges);
  }
}
