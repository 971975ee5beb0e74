import { afterAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { InProcessEventBus, RedisEventBus, createEventBus, type EventBus } from '@mailroom/events';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const buses: EventBus[] = [];
afterAll(async () => {
  await Promise.all(buses.map((b) => b.close()));
});

describe.each([
  [
    'in-process',
    async (): Promise<[EventBus]> => {
      const bus = new InProcessEventBus();
      buses.push(bus);
      return [bus];
    },
  ],
  [
    'redis (two connections, as two replicas)',
    async () => {
      const a = await createEventBus({ redisUrl });
      const b = await createEventBus({ redisUrl });
      buses.push(a, b);
      return [a, b] as [EventBus, EventBus];
    },
  ],
])('%s event bus', (_name, make) => {
  it('delivers a published payload to a subscriber of that channel only', async () => {
    const [publisher, subscriber = publisher] = await make();
    const channel = `t/${randomUUID()}`;
    const received: unknown[] = [];
    const other = await subscriber.subscribe(`${channel}/other`, (p) => received.push(p));
    const next = new Promise<unknown>(
      (resolve) =>
        void subscriber.subscribe(channel, resolve).then(() => publisher.publish(channel, { n: 1, text: 'hé' })),
    );
    await expect(next).resolves.toEqual({ n: 1, text: 'hé' });
    expect(received).toEqual([]);
    await other();
  });

  it('stops delivering after unsubscribe', async () => {
    const [publisher, subscriber = publisher] = await make();
    const channel = `t/${randomUUID()}`;
    const seen: number[] = [];
    const unsubscribe = await subscriber.subscribe<number>(channel, (n) => seen.push(n));
    await publisher.publish(channel, 1);
    await waitFor(() => seen.length === 1);
    await unsubscribe();
    await publisher.publish(channel, 2);
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual([1]);
  });

  it('answers ping while healthy', async () => {
    const [bus] = await make();
    await expect(bus.ping()).resolves.toBeUndefined();
  });
});

describe('redis event bus failures', () => {
  it('fails ping when Redis is unreachable', async () => {
    const errors: Error[] = [];
    const bus = new RedisEventBus({ url: 'redis://127.0.0.1:1', onError: (e) => errors.push(e) });
    buses.push(bus);
    await expect(bus.connect()).rejects.toThrow();
    await expect(bus.ping()).rejects.toThrow();
  });

  it('delivers between replicas in order', async () => {
    const a = await createEventBus({ redisUrl });
    const b = await createEventBus({ redisUrl });
    buses.push(a, b);
    const channel = `t/${randomUUID()}`;
    const seen: number[] = [];
    await b.subscribe<number>(channel, (n) => seen.push(n));
    for (let i = 0; i < 100; i++) await a.publish(channel, i);
    await waitFor(() => seen.length === 100);
    expect(seen).toEqual([...Array(100).keys()]);
  });
});

async function waitFor(predicate: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}
