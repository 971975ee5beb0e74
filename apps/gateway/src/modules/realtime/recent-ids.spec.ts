import { describe, expect, it } from '@jest/globals';
import { RecentEventIds, RecentIds } from './recent-ids.js';

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

describe('RecentEventIds', () => {
  it('forgets message ids below the messages floor while the conversations floor stays behind', () => {
    const ids = new RecentEventIds(100);
    ids.add('conversation', 'conversations', 10n);
    for (let i = 1; i <= 50; i++) ids.add(`message ${i}`, 'messages', BigInt(100 + i));
    ids.prune({ messagesNs: 141n, conversationsNs: 5n });
    expect(ids.has('message 40')).toBe(false);
    expect(ids.has('message 41')).toBe(true);
    expect(ids.has('conversation')).toBe(true);
    expect(ids.size).toBe(11);
  });

  it('forgets conversation ids below the conversations floor only', () => {
    const ids = new RecentEventIds(100);
    ids.add('conversation', 'conversations', 10n);
    ids.add('message', 'messages', 10n);
    ids.prune({ messagesNs: 5n, conversationsNs: 11n });
    expect([ids.has('conversation'), ids.has('message')]).toEqual([false, true]);
  });
});
