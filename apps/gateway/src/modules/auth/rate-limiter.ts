import { createHmac, randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';

/** How many attempts a key may spend per sliding window. */
export interface RateLimitRule {
  readonly limit: number;
  readonly windowMs: number;
}

/** The answer for one attempt. */
export interface RateLimitDecision {
  readonly allowed: boolean;
  /** Whole seconds until the next attempt may pass (0 when allowed). */
  readonly retryAfterSeconds: number;
}

/** An allowed attempt can be taken back, so that only failures count (a right password releases its attempt). */
export interface RateLimitAttempt extends RateLimitDecision {
  release(): Promise<void>;
}

/** Counts attempts per key over a sliding window. */
export interface RateLimiter {
  consume(key: string, rule: RateLimitRule): Promise<RateLimitAttempt>;
}

export const AUTH_RATE_LIMITER = Symbol('AUTH_RATE_LIMITER');

const nothingToRelease = async (): Promise<void> => {};

function denied(retryAfterMs: number): RateLimitAttempt {
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)), release: nothingToRelease };
}

/** Sliding-window log kept in memory: exact, and small because limits here are tens per minute. One process only. */
export class InMemoryRateLimiter implements RateLimiter {
  private readonly hits = new Map<string, { times: number[]; windowMs: number }>();
  private sweptAt = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async consume(key: string, rule: RateLimitRule): Promise<RateLimitAttempt> {
    const now = this.now();
    this.sweep(now);
    const times = (this.hits.get(key)?.times ?? []).filter((t) => t > now - rule.windowMs);
    this.hits.set(key, { times, windowMs: rule.windowMs });
    if (times.length >= rule.limit) return denied(times[0]! + rule.windowMs - now);
    times.push(now);
    return {
      allowed: true,
      retryAfterSeconds: 0,
      release: async () => {
        const index = times.indexOf(now);
        if (index >= 0) times.splice(index, 1);
      },
    };
  }

  /** Drops idle keys about once a minute, so memory follows the number of active keys. */
  private sweep(now: number): void {
    if (now - this.sweptAt < 60_000) return;
    this.sweptAt = now;
    for (const [key, { times, windowMs }] of this.hits)
      if (!times.some((t) => t > now - windowMs)) this.hits.delete(key);
  }
}

/**
 * Trims the window, refuses when full (answering ms until the oldest attempt leaves), else records one attempt.
 * Redis's clock, so replicas with skewed clocks share one window.
 */
const CONSUME_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, tostring(tonumber(oldest[2]) + window - now)}
end
local member = now .. ':' .. ARGV[3]
redis.call('ZADD', KEYS[1], now, member)
redis.call('PEXPIRE', KEYS[1], window)
return {1, member}
`;

/**
 * The same sliding window in a Redis sorted set, shared by every replica. Keys are HMACs under a secret every replica
 * shares (emails and addresses stay out of Redis, and cannot be guessed back from it). When Redis fails, the attempt
 * is counted in process instead: login keeps working, limited per replica.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly logger = new Logger(RedisRateLimiter.name);

  constructor(
    private readonly redis: Redis,
    private readonly keySecret: string,
    private readonly fallback: RateLimiter = new InMemoryRateLimiter(),
    private readonly prefix = 'mailroom:auth-limit:',
  ) {}

  async consume(key: string, rule: RateLimitRule): Promise<RateLimitAttempt> {
    const redisKey = this.prefix + createHmac('sha256', this.keySecret).update(key).digest('base64url');
    let answer: [number, string];
    try {
      answer = (await this.redis.eval(
        CONSUME_SCRIPT,
        1,
        redisKey,
        rule.limit,
        rule.windowMs,
        randomBytes(6).toString('base64url'),
      )) as [number, string];
    } catch (error) {
      this.logger.warn(`Redis unavailable for auth rate limits, counting in this process: ${(error as Error).message}`);
      return this.fallback.consume(key, rule);
    }
    const [allowed, detail] = answer;
    if (allowed !== 1) return denied(Number(detail));
    return {
      allowed: true,
      retryAfterSeconds: 0,
      release: async () => {
        await this.redis.zrem(redisKey, detail).catch(() => undefined);
      },
    };
  }
}
