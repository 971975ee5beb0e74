import { describe, expect, it } from '@jest/globals';
import { InProcessTokenBuckets } from './token-buckets.js';

describe('InProcessTokenBuckets', () => {
  it('spends a burst up to capacity, then refuses with the wait until enough tokens refill', async () => {
    let now = 0;
    const buckets = new InProcessTokenBuckets(() => now);
    const policy = { capacity: 10, windowSeconds: 60 };
    const spent = [];
    for (let i = 0; i < 5; i++) spent.push(await buckets.take('k', policy, 2));
    expect(spent.map((d) => d.remaining)).toEqual([8, 6, 4, 2, 0]);
    const refused = await buckets.take('k', policy, 2);
    expect(refused).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 12, resetSeconds: 60 });
    now = 12_000;
    expect(await buckets.take('k', policy, 2)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('keeps callers apart and never exceeds capacity after a long idle time', async () => {
    let now = 0;
    const buckets = new InProcessTokenBuckets(() => now);
    const policy = { capacity: 3, windowSeconds: 3 };
    await buckets.take('a', policy, 3);
    expect((await buckets.take('b', policy, 1)).remaining).toBe(2);
    now = 3_600_000;
    expect((await buckets.take('a', policy, 1)).remaining).toBe(2);
  });
});
