import type { Redis } from 'ioredis';

export interface BucketPolicy {
  /** Most tokens the bucket holds: the burst a caller may spend at once. */
  readonly capacity: number;
  /** Seconds for an empty bucket to refill completely (capacity per window). */
  readonly windowSeconds: number;
}

export interface BucketDecision {
  readonly allowed: boolean;
  /** Tokens left after this request (what `RateLimit-Remaining` reports). */
  readonly remaining: number;
  /** Seconds until the bucket is full again (`RateLimit-Reset`). */
  readonly resetSeconds: number;
  /** Seconds until `cost` tokens are available, when refused (`Retry-After`). */
  readonly retryAfterSeconds: number;
}

/** Token buckets keyed by caller: shared through Redis across replicas, or kept in this process. */
export interface TokenBuckets {
  take(key: string, policy: BucketPolicy, cost: number): Promise<BucketDecision>;
}

function decide(tokens: number, policy: BucketPolicy, cost: number): { allowed: boolean; left: number } & Omit<BucketDecision, 'allowed' | 'remaining'> {
  const ratePerSecond = policy.capacity / policy.windowSeconds;
  const allowed = tokens >= cost;
  const left = allowed ? tokens - cost : tokens;
  return {
    allowed,
    left,
    resetSeconds: Math.ceil((policy.capacity - left) / ratePerSecond),
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((cost - tokens) / ratePerSecond)),
  };
}

/** In-process buckets for the embedded (single replica) mode. */
export class InProcessTokenBuckets implements TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async take(key: string, policy: BucketPolicy, cost: number): Promise<BucketDecision> {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: policy.capacity, at: now };
    const refilled = Math.min(policy.capacity, bucket.tokens + ((now - bucket.at) / 1000) * (policy.capacity / policy.windowSeconds));
    const result = decide(refilled, policy, cost);
    if (result.left >= policy.capacity) this.buckets.delete(key);
    else this.buckets.set(key, { tokens: result.left, at: now });
    if (this.buckets.size > 100_000) this.evictFull(now, policy);
    return { allowed: result.allowed, remaining: Math.floor(result.left), resetSeconds: result.resetSeconds, retryAfterSeconds: result.retryAfterSeconds };
  }

  private evictFull(now: number, policy: BucketPolicy): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * (policy.capacity / policy.windowSeconds) >= policy.capacity) this.buckets.delete(key);
    }
  }
}

// Atomic refill-and-take on a Redis hash {tokens, at(ms)}; the key expires once the bucket would be full again.
const TAKE_SCRIPT = `
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) / 1000 * rate)
local allowed = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / rate * 1000) + 1000)
return { allowed, tostring(tokens) }
`;

/** Buckets in Redis, so every replica spends from the same budget. The clock is the caller's, in ms. */
export class RedisTokenBuckets implements TokenBuckets {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'mailroom:rl:',
    private readonly now: () => number = Date.now,
  ) {}

  async take(key: string, policy: BucketPolicy, cost: number): Promise<BucketDecision> {
    const rate = policy.capacity / policy.windowSeconds;
    const [allowedFlag, tokensText] = (await this.redis.eval(
      TAKE_SCRIPT,
      1,
      `${this.prefix}${key}`,
      policy.capacity,
      rate,
      cost,
      this.now(),
    )) as [number, string];
    const left = Number(tokensText);
    const allowed = allowedFlag === 1;
    const before = allowed ? left + cost : left;
    const result = decide(before, policy, cost);
    return { allowed, remaining: Math.floor(left), resetSeconds: result.resetSeconds, retryAfterSeconds: result.retryAfterSeconds };
  }
}
