/** The answer for one attempt. */
export interface RateLimitDecision {
  readonly allowed: boolean;
  /** Whole seconds until the next attempt may pass (0 when allowed). */
  readonly retryAfterSeconds: number;
}

/** Counts attempts per key over a window. In-process today; a Redis implementation can take its place. */
export interface RateLimiter {
  consume(key: string): Promise<RateLimitDecision>;
}

export const LOGIN_RATE_LIMITER = Symbol('LOGIN_RATE_LIMITER');

/** Sliding-window log kept in memory: exact, and small because limits here are tens per minute. */
export class InMemoryRateLimiter implements RateLimiter {
  private readonly hits = new Map<string, number[]>();
  private sweptAt = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async consume(key: string): Promise<RateLimitDecision> {
    const now = this.now();
    this.sweep(now);
    const recent = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (recent.length >= this.limit) {
      this.hits.set(key, recent);
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((recent[0]! + this.windowMs - now) / 1000)) };
    }
    recent.push(now);
    this.hits.set(key, recent);
    return { allowed: true, retryAfterSeconds: 0 };
  }

  /** Drops idle keys once a window, so memory follows the number of active keys. */
  private sweep(now: number): void {
    if (now - this.sweptAt < this.windowMs) return;
    this.sweptAt = now;
    for (const [key, times] of this.hits) if (!times.some((t) => t > now - this.windowMs)) this.hits.delete(key);
  }
}
