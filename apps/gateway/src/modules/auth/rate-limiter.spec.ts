import { describe, expect, it } from '@jest/globals';
import { InMemoryRateLimiter } from './rate-limiter.js';

describe('InMemoryRateLimiter', () => {
  it('allows `limit` attempts per sliding window and says when the next one passes', async () => {
    let now = 1_000_000;
    const limiter = new InMemoryRateLimiter(2, 60_000, () => now);
    expect(await limiter.consume('k')).toEqual({ allowed: true, retryAfterSeconds: 0 });
    now += 10_000;
    expect((await limiter.consume('k')).allowed).toBe(true);
    now += 5_000;
    expect(await limiter.consume('k')).toEqual({ allowed: false, retryAfterSeconds: 45 });
    expect((await limiter.consume('other')).allowed).toBe(true);
    now += 45_000; // the first attempt leaves the window
    expect((await limiter.consume('k')).allowed).toBe(true);
    expect((await limiter.consume('k')).allowed).toBe(false);
  });

  it('forgets idle keys', async () => {
    let now = 0;
    const limiter = new InMemoryRateLimiter(1, 1_000, () => now);
    for (let i = 0; i < 100; i++) await limiter.consume(`k${i}`);
    now += 5_000;
    await limiter.consume('fresh');
    expect((limiter as unknown as { hits: Map<string, number[]> }).hits.size).toBe(1);
  });
});
