import { Redis } from 'ioredis';
import type { EventBus, EventHandler } from './event-bus.js';

export interface RedisEventBusOptions {
  url: string;
  /** Reported on connection errors; the bus keeps reconnecting in the background. */
  onError?: (error: Error) => void;
}

/** Redis pub/sub bus: one connection publishes, a second one holds the subscriptions. */
export class RedisEventBus implements EventBus {
  readonly kind = 'redis' as const;
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly handlers = new Map<string, Set<EventHandler>>();

  constructor(options: RedisEventBusOptions) {
    const common = { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true, disconnectTimeout: 200 };
    this.publisher = new Redis(options.url, { ...common, connectionName: 'mailroom-pub' });
    this.subscriber = new Redis(options.url, { ...common, connectionName: 'mailroom-sub' });
    const report = (error: Error) => options.onError?.(error);
    this.publisher.on('error', report);
    this.subscriber.on('error', report);
    this.subscriber.on('message', (channel: string, message: string) => this.dispatch(channel, message));
  }

  async connect(): Promise<this> {
    await Promise.all([this.publisher.connect(), this.subscriber.connect()]);
    return this;
  }

  async publish<T>(channel: string, payload: T): Promise<void> {
    await this.publisher.publish(channel, JSON.stringify(payload));
  }

  async subscribe<T>(channel: string, handler: EventHandler<T>): Promise<() => Promise<void>> {
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      await this.subscriber.subscribe(channel);
    }
    set.add(handler as EventHandler);
    return async () => {
      const current = this.handlers.get(channel);
      if (!current?.delete(handler as EventHandler) || current.size > 0) return;
      this.handlers.delete(channel);
      if (this.subscriber.status === 'ready') await this.subscriber.unsubscribe(channel);
    };
  }

  async ping(): Promise<void> {
    const answer = await this.publisher.ping();
    if (answer !== 'PONG') throw new Error(`unexpected PING answer ${answer}`);
  }

  async close(): Promise<void> {
    this.handlers.clear();
    await Promise.allSettled([this.publisher, this.subscriber].map((c) => closeConnection(c)));
  }

  private dispatch(channel: string, message: string): void {
    const set = this.handlers.get(channel);
    if (!set) return;
    const payload: unknown = JSON.parse(message);
    for (const handler of set) handler(payload, channel);
  }
}

/** QUIT lets pending replies arrive; a connection that is not ready is just dropped (no reconnect loop left behind). */
async function closeConnection(connection: Redis): Promise<void> {
  if (connection.status === 'ready') {
    await connection.quit();
  } else {
    connection.disconnect(false);
  }
}
