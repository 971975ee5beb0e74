import { describe, expect, it } from '@jest/globals';
import { RecentIds } from './recent-ids.js';

describe('RecentIds', () => {
  it('forgets the oldest beyond its capacity and everything below a floor', () => {
    const ids = new RecentIds(3);
    ids.add('a', 1n);
    ids.add('b', 2n);
    ids.add('c', 3n);
    ids.add('d', 4n);
    expect(['a', 'b', 'c', 'd'].map((id) => ids.has(id))).toEqual([false, true, true, true]);
    ids.prune(4n);
    expect(['b', 'c', 'd'].map((id) => ids.has(id))).toEqual([false, false, true]);
    expect(ids.size).toBe(1);
  });
});
