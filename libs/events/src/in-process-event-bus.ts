import { EventEmitter } from 'node:events';
import type { EventBus, EventHandler } from './event-bus.js';

/** Single-process bus for the embedded mode; payloads are cloned so subscribers never share objects. */
export class InProcessEventBus implements EventBus {
  readonly kind = 'in-process' as const;
  private readonly emitter = new EventEmitter({ captureRejections: false });
  private closed = false;

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  async publish<T>(channel: string, payload: T): Promise<void> {
    if (this.closed) throw new Error('event bus is closed');
    const copy = structuredClone(payload);
    // Deliver asynchronously, like Redis, so publishers never run subscriber code on their own stack.
    queueMicrotask(() => this.emitter.emit(channel, copy, channel));
  }

  async subscribe<T>(channel: string, handler: EventHandler<T>): Promise<() => Promise<void>> {
    const listener = handler as EventHandler;
    this.emitter.on(channel, listener);
    return async () => {
      this.emitter.off(channel, listener);
    };
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('event bus is closed');
  }

  async close(): Promise<void> {
    this.closed = true;
    this.emitter.removeAllListeners();
  }
}
