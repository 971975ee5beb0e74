/** A message published on a channel; payloads are JSON-serialisable. */
export type EventHandler<T = unknown> = (payload: T, channel: string) => void;

/**
 * Publish/subscribe between the parts of the gateway (and, with Redis, between replicas).
 * Delivery is at-most-once and best-effort: durable guarantees (webhooks, cursors) live above this layer.
 */
export interface EventBus {
  readonly kind: 'redis' | 'in-process';
  publish<T>(channel: string, payload: T): Promise<void>;
  /** Resolves once the subscription is active; the returned function removes it. */
  subscribe<T>(channel: string, handler: EventHandler<T>): Promise<() => Promise<void>>;
  /** Throws when the bus cannot carry messages right now (readiness probe). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
