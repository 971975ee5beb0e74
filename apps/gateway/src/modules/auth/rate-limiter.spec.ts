import { describe, expect, it } from '@jest/globals';
import { InMemoryRateLimiter } from './rate-limiter.js';

const twoPerMinute = { limit: 2, windowMs: 60_000 };

describe('InMemoryRateLimiter', () => {
  it('allows `limit` attempts per sliding window and says when the next one passes', async () => {
    let now = 1_000_000;
    const limiter = new InMemoryRateLimiter(() => now);
    expect(await limiter.consume('k', twoPerMinute)).toMatchObject({ allowed: true, retryAfterSeconds: 0 });
    now += 10_000;
    expect((await limiter.consume('k', twoPerMinute)).allowed).toBe(true);
    now += 5_000;
    expect(await limiter.consume('k', twoPerMinute)).toMatchObject({ allowed: false, retryAfterSeconds: 45 });
    expect((await limiter.consume('other', twoPerMinute)).allowed).toBe(true);
    now += 45_000; // the first attempt leaves the window
    expect((await limiter.consume('k', twoPerMinute)).allowed).toBe(true);
    expect((await limiter.consume('k', twoPerMinute)).allowed).toBe(false);
  });

  it('takes a released attempt back, so only failures count', async () => {
    const limiter = new InMemoryRateLimiter(() => 0);
    for (let i = 0; i < 5; i++) {
      const attempt = await limiter.consume('k', twoPerMinute);
      expect(attempt.allowed).toBe(true);
      await attempt.release();
    }
    await limiter.consume('k', twoPerMinute);
    await limiter.consume('k', twoPerMinute);
    expect((await limiter.consume('k', twoPerMinute)).allowed).toBe(false);
  });

  it('forgets idle keys', async () => {
    let now = 0;
    const limiter = new InMemoryRateLimiter(() => now);
    for (let i = 0; i < 100; i++) await limiter.consume(`k${i}`, { limit: 1, windowMs: 1_000 });
    now += 120_000;
    await limiter.consume('fresh', { limit: 1, windowMs: 1_000 });
    expect((limiter as unknown as { hits: Map<string, unknown> }).hits.size).toBe(1);
  });
});
