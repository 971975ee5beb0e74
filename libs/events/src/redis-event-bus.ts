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
  /** Per channel: its handlers, and the SUBSCRIBE every handler waits for before it counts as subscribed. */
  private readonly channels = new Map<string, Channel>();
  private readonly report: (error: Error) => void;

  constructor(options: RedisEventBusOptions) {
    const common = { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true, disconnectTimeout: 200 };
    // Publishes of one event-loop turn (a batch of received messages, their metrics) share one socket write.
    this.publisher = new Redis(options.url, { ...common, enableAutoPipelining: true, connectionName: 'mailroom-pub' });
    this.subscriber = new Redis(options.url, { ...common, connectionName: 'mailroom-sub' });
    const report = (error: Error) => options.onError?.(error);
    this.report = report;
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
    let state = this.channels.get(channel);
    if (!state) {
      const created: Channel = {
        handlers: new Set(),
        subscribed: this.subscriber.subscribe(channel).then(() => undefined),
      };
      this.channels.set(channel, created);
      // A failed SUBSCRIBE must not leave the channel looking subscribed: the next subscriber tries again.
      created.subscribed.catch(() => {
        if (this.channels.get(channel) === created) this.channels.delete(channel);
      });
      state = created;
    }
    await state.subscribed;
    if (this.channels.get(channel) !== state) {
      // The channel was dropped (its last handler left) while this one waited: subscribe afresh.
      return this.subscribe(channel, handler);
    }
    const subscribed = state;
    subscribed.handlers.add(handler as EventHandler);
    return async () => {
      if (!subscribed.handlers.delete(handler as EventHandler) || subscribed.handlers.size > 0) return;
      if (this.channels.get(channel) !== subscribed) return;
      this.channels.delete(channel);
      if (this.subscriber.status !== 'ready') return;
      // Best effort: a lost UNSUBSCRIBE only means messages nobody listens to arrive and are dropped.
      await this.subscriber.unsubscribe(channel).catch((error: unknown) => this.report(asError(error)));
    };
  }

  async ping(): Promise<void> {
    const answer = await this.publisher.ping();
    if (answer !== 'PONG') throw new Error(`unexpected PING answer ${answer}`);
  }

  async close(): Promise<void> {
    this.channels.clear();
    await Promise.allSettled([this.publisher, this.subscriber].map((c) => closeConnection(c)));
  }

  private dispatch(channel: string, message: string): void {
    const handlers = this.channels.get(channel)?.handlers;
    if (!handlers?.size) return;
    let payload: unknown;
    try {
      payload = JSON.parse(message);
    } catch (error) {
      this.report(asError(error));
      return;
    }
    // One failing handler neither stops the others nor escapes into the connection's event loop.
    for (const handler of handlers) {
      try {
        const result: unknown = handler(payload, channel);
        if (result instanceof Promise) result.catch((error: unknown) => this.report(asError(error)));
      } catch (error) {
        this.report(asError(error));
      }
    }
  }
}

interface Channel {
  readonly handlers: Set<EventHandler>;
  readonly subscribed: Promise<void>;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** QUIT lets pending replies arrive; a connection that is not ready is just dropped (no reconnect loop left behind). */
async function closeConnection(connection: Redis): Promise<void> {
  if (connection.status === 'ready') {
    await connection.quit();
  } else {
    connection.disconnect(false);
  }
}
