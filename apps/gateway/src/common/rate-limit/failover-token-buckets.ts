import type { Redis } from 'ioredis';
import type { BucketDecision, BucketPolicy, TokenBuckets } from './token-buckets.js';

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

  async take(key: string, policy: BucketPolicy, cost: number): Promise<BucketDecision> {
    if (this.redis.status !== 'ready') return this.fallBack(key, policy, cost, `redis is ${this.redis.status}`);
    try {
      const decision = await this.shared.take(key, policy, cost);
      if (this.degraded) {
        this.degraded = false;
        this.logger.warn({}, 'rate limits are shared through Redis again');
      }
      return decision;
    } catch (error) {
      return this.fallBack(key, policy, cost, error instanceof Error ? error.message : String(error));
    }
  }

  private fallBack(key: string, policy: BucketPolicy, cost: number, reason: string): Promise<BucketDecision> {
    if (!this.degraded) {
      this.degraded = true;
      this.logger.warn({ reason }, 'Redis unavailable: rate limits are per replica until it is back');
    }
    return this.local.take(key, policy, cost);
  }
}
