import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { RedisEventBus, createEventBus, type EventBus } from '@mailroom/events';

/**
 * A SUBSCRIBE that fails (Redis unreachable at that moment) must not leave the channel looking subscribed: once Redis
 * is back, a later subscriber of the same channel receives its messages. The bus reaches the real Redis through a TCP
 * relay this test can cut and restore.
 */
const redisUrl = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

class CuttableRelay {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  async open(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(Number(redisUrl.port || 6379), redisUrl.hostname);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('error', () => socket.destroy());
        socket.on('close', () => this.sockets.delete(socket));
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /** Refuses new connections and drops the open ones, as a Redis outage would. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => server?.close(resolve));
  }
}

const relay = new CuttableRelay();
let bus: RedisEventBus;
let publisher: EventBus;
const busErrors: Error[] = [];

beforeAll(async () => {
  await relay.open();
  bus = await new RedisEventBus({
    url: `redis://127.0.0.1:${relay.port}`,
    onError: (error) => busErrors.push(error),
  }).connect();
  publisher = await createEventBus({ redisUrl: redisUrl.toString() });
});

afterAll(async () => {
  await bus?.close();
  await publisher?.close();
  await relay.cut();
});

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Publishes until the handler sees a message (the subscription may need a moment after reconnecting). */
async function delivered(channel: string, received: unknown[], timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await publisher.publish(channel, { n: 1 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (received.length > 0) return true;
  }
  return false;
}

describe('Redis event bus after a failed SUBSCRIBE', () => {
  it('subscribes for real when a later subscriber comes, once Redis is reachable again', async () => {
    const channel = `t/${randomUUID()}`;
    await relay.cut();
    const first = await Promise.allSettled([bus.subscribe(channel, () => {}), bus.subscribe(channel, () => {})]);
    expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected']);

    await relay.open();
    await until(async () => (await bus.ping(), true), 10_000);
    const received: unknown[] = [];
    const unsubscribe = await bus.subscribe(channel, (payload) => received.push(payload));
    expect(await delivered(channel, received)).toBe(true);
    await unsubscribe();
  });

  it('keeps delivering to the other handlers when one throws', async () => {
    const channel = `t/${randomUUID()}`;
    const received: unknown[] = [];
    const offThrowing = await bus.subscribe(channel, () => {
      throw new Error('handler bug');
    });
    const offOk = await bus.subscribe(channel, (payload) => received.push(payload));
    expect(await delivered(channel, received)).toBe(true);
    expect(busErrors.some((e) => e.message === 'handler bug')).toBe(true);
    await offThrowing();
    await offOk();
  });
});
