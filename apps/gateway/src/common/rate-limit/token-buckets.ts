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

/** One bucket to charge as part of a request. */
export interface BucketCharge {
  readonly key: string;
  readonly policy: BucketPolicy;
  readonly cost: number;
}

/**
 * The answer for several buckets charged together: all of them are charged, or (when any lacks the tokens) none is.
 * `decisions[i]` answers `charges[i]`; `refused` is the index of the first bucket that lacked tokens.
 */
export interface MultiBucketDecision {
  readonly allowed: boolean;
  readonly decisions: readonly BucketDecision[];
  readonly refused?: number;
}

/** Token buckets keyed by caller: shared through Redis across replicas, or kept in this process. */
export interface TokenBuckets {
  /** Charges every bucket or none, atomically (one Redis round trip for the shared implementation). */
  takeAll(charges: readonly BucketCharge[]): Promise<MultiBucketDecision>;
}

/** Charges a single bucket. */
export async function takeOne(
  buckets: TokenBuckets,
  key: string,
  policy: BucketPolicy,
  cost: number,
): Promise<BucketDecision> {
  return (await buckets.takeAll([{ key, policy, cost }])).decisions[0]!;
}

function ratePerSecond(policy: BucketPolicy): number {
  return policy.capacity / policy.windowSeconds;
}

/** What a bucket holding `tokens` (before this request) answers, given whether the whole request was charged. */
function decisionFor(tokens: number, charge: BucketCharge, charged: boolean): BucketDecision {
  const rate = ratePerSecond(charge.policy);
  const left = charged ? tokens - charge.cost : tokens;
  return {
    allowed: tokens >= charge.cost,
    remaining: Math.max(0, Math.floor(left)),
    resetSeconds: Math.ceil((charge.policy.capacity - left) / rate),
    retryAfterSeconds: tokens >= charge.cost ? 0 : Math.max(1, Math.ceil((charge.cost - tokens) / rate)),
  };
}

function combine(before: readonly number[], charges: readonly BucketCharge[]): MultiBucketDecision {
  const refused = before.findIndex((tokens, i) => tokens < charges[i]!.cost);
  const allowed = refused === -1;
  return {
    allowed,
    decisions: charges.map((charge, i) => decisionFor(before[i]!, charge, allowed)),
    ...(allowed ? {} : { refused }),
  };
}

/** In-process buckets for the embedded (single replica) mode. */
export class InProcessTokenBuckets implements TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number; policy: BucketPolicy }>();

  constructor(private readonly now: () => number = Date.now) {}

  async takeAll(charges: readonly BucketCharge[]): Promise<MultiBucketDecision> {
    const now = this.now();
    const before = charges.map((charge) => this.tokensAt(charge.key, charge.policy, now));
    const result = combine(before, charges);
    if (result.allowed) {
      charges.forEach((charge, i) => {
        const left = before[i]! - charge.cost;
        if (left >= charge.policy.capacity) this.buckets.delete(charge.key);
        else this.buckets.set(charge.key, { tokens: left, at: now, policy: charge.policy });
      });
      if (this.buckets.size > 100_000) this.evictFull(now);
    }
    return result;
  }

  private tokensAt(key: string, policy: BucketPolicy, now: number): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return policy.capacity;
    return Math.min(policy.capacity, bucket.tokens + ((now - bucket.at) / 1000) * ratePerSecond(policy));
  }

  private evictFull(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (this.tokensAt(key, bucket.policy, now) >= bucket.policy.capacity) this.buckets.delete(key);
    }
  }
}

// Refill every bucket (Redis hashes {tokens, at(ms)}), then charge them all only if each holds enough; keys expire
// once their bucket would be full again. Returns the token counts before charging, and whether it charged.
const TAKE_ALL_SCRIPT = `
local now = tonumber(ARGV[1])
local before = {}
local enough = true
for i, key in ipairs(KEYS) do
  local capacity = tonumber(ARGV[i * 3 - 1])
  local rate = tonumber(ARGV[i * 3])
  local cost = tonumber(ARGV[i * 3 + 1])
  local state = redis.call('HMGET', key, 'tokens', 'at')
  local tokens = tonumber(state[1]) or capacity
  local at = tonumber(state[2]) or now
  tokens = math.min(capacity, tokens + math.max(0, now - at) / 1000 * rate)
  before[i] = tokens
  if tokens < cost then enough = false end
end
if enough then
  for i, key in ipairs(KEYS) do
    local capacity = tonumber(ARGV[i * 3 - 1])
    local rate = tonumber(ARGV[i * 3])
    local left = before[i] - tonumber(ARGV[i * 3 + 1])
    redis.call('HSET', key, 'tokens', tostring(left), 'at', tostring(now))
    redis.call('PEXPIRE', key, math.ceil((capacity - left) / rate * 1000) + 1000)
  end
end
local answer = { enough and 1 or 0 }
for i = 1, #before do answer[i + 1] = tostring(before[i]) end
return answer
`;

interface TakeAllCommand {
  takeAll(numberOfKeys: number, ...keysAndArgs: (string | number)[]): Promise<[number, ...string[]]>;
}

/** Buckets in Redis, so every replica spends from the same budget; one EVALSHA per request. The clock is the caller's, in ms. */
export class RedisTokenBuckets implements TokenBuckets {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'mailroom:rl:',
    private readonly now: () => number = Date.now,
  ) {
    if (!('takeAll' in redis)) redis.defineCommand('takeAll', { lua: TAKE_ALL_SCRIPT });
  }

  async takeAll(charges: readonly BucketCharge[]): Promise<MultiBucketDecision> {
    if (charges.length === 0) return { allowed: true, decisions: [] };
    const args: (string | number)[] = [this.now()];
    for (const charge of charges) args.push(charge.policy.capacity, ratePerSecond(charge.policy), charge.cost);
    const keys = charges.map((charge) => `${this.prefix}${charge.key}`);
    const [, ...before] = await (this.redis as unknown as TakeAllCommand).takeAll(keys.length, ...keys, ...args);
    return combine(before.map(Number), charges);
  }
}
