import { describe, expect, it } from '@jest/globals';
import { InProcessTokenBuckets, takeOne } from './token-buckets.js';

describe('InProcessTokenBuckets', () => {
  it('spends a burst up to capacity, then refuses with the wait until enough tokens refill', async () => {
    let now = 0;
    const buckets = new InProcessTokenBuckets(() => now);
    const policy = { capacity: 10, windowSeconds: 60 };
    const spent = [];
    for (let i = 0; i < 5; i++) spent.push(await takeOne(buckets, 'k', policy, 2));
    expect(spent.map((d) => d.remaining)).toEqual([8, 6, 4, 2, 0]);
    const refused = await takeOne(buckets, 'k', policy, 2);
    expect(refused).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 12, resetSeconds: 60 });
    now = 12_000;
    expect(await takeOne(buckets, 'k', policy, 2)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('keeps callers apart and never exceeds capacity after a long idle time', async () => {
    let now = 0;
    const buckets = new InProcessTokenBuckets(() => now);
    const policy = { capacity: 3, windowSeconds: 3 };
    await takeOne(buckets, 'a', policy, 3);
    expect((await takeOne(buckets, 'b', policy, 1)).remaining).toBe(2);
    now = 3_600_000;
    expect((await takeOne(buckets, 'a', policy, 1)).remaining).toBe(2);
  });

  it('charges several buckets all or nothing: a refusal by one spends none of the others', async () => {
    const buckets = new InProcessTokenBuckets(() => 0);
    const roomy = { key: 'roomy', policy: { capacity: 10, windowSeconds: 60 }, cost: 2 };
    const tight = { key: 'tight', policy: { capacity: 3, windowSeconds: 60 }, cost: 2 };
    expect((await buckets.takeAll([roomy, tight])).allowed).toBe(true);
    const refused = await buckets.takeAll([roomy, tight]);
    expect(refused).toMatchObject({ allowed: false, refused: 1 });
    expect(refused.decisions[0]).toMatchObject({ allowed: true, remaining: 8 });
    expect(refused.decisions[1]).toMatchObject({ allowed: false, remaining: 1 });
    expect((await takeOne(buckets, 'roomy', roomy.policy, 8)).remaining).toBe(0);
  });
});
