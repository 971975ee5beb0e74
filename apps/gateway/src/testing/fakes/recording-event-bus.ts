import type { EventBus, EventHandler } from '@mailroom/events';

/** An in-process bus that remembers what was published, for asserting announcements in unit tests. */
export class RecordingEventBus implements EventBus {
  readonly kind = 'in-process' as const;
  readonly published: Array<{ channel: string; payload: unknown }> = [];
  private readonly handlers = new Map<string, Set<EventHandler<unknown>>>();

  async publish<T>(channel: string, payload: T): Promise<void> {
    this.published.push({ channel, payload });
    for (const handler of this.handlers.get(channel) ?? []) handler(payload, channel);
  }

  async subscribe<T>(channel: string, handler: EventHandler<T>): Promise<() => Promise<void>> {
    const set = this.handlers.get(channel) ?? new Set();
    set.add(handler as EventHandler<unknown>);
    this.handlers.set(channel, set);
    return async () => void set.delete(handler as EventHandler<unknown>);
  }

  async ping(): Promise<void> {}
  async close(): Promise<void> {}
}
