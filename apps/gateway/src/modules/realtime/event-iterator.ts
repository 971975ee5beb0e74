import { DomainError, ErrorCode } from '../../common/errors/index.js';
import type { MailroomEvent } from '../events/mailroom-event.js';

const REMEMBERED_IDS = 1_000;

/** How far a subscriber may fall behind before its subscription is ended. */
export interface EventBufferLimits {
  readonly maxEvents: number;
  /** Approximate: the JSON length of the queued events. */
  readonly maxBytes: number;
}

export const DEFAULT_EVENT_BUFFER_LIMITS: EventBufferLimits = { maxEvents: 1_000, maxBytes: 8 * 1024 * 1024 };

/** What a reader gets once its subscription fell too far behind (the transport drops such a reader's socket). */
export class SubscriberTooSlowError extends DomainError {
  constructor(limits: EventBufferLimits) {
    super(
      ErrorCode.RateLimited,
      `This subscription fell too far behind (more than ${limits.maxEvents} events or ${limits.maxBytes} bytes waiting) and was ended; read faster or subscribe again.`,
    );
  }
}

/** One event object is often pushed to several subscribers; its size is measured once. */
const eventSizes = new WeakMap<MailroomEvent, number>();

function approximateSize(event: MailroomEvent): number {
  let size = eventSizes.get(event);
  if (size === undefined) {
    size = JSON.stringify(event).length;
    eventSizes.set(event, size);
  }
  return size;
}

/**
 * A subscription's events as an async iterator (what GraphQL subscriptions consume). Events pass `accept` before they
 * queue, so filtered-out events never reach GraphQL execution; an id seen recently is dropped (a replay after a
 * failover may publish it again). A reader that stops reading (a stalled socket) cannot grow the queue without bound:
 * past `limits` the subscription ends at once (queue dropped, `onClose` run) and the reader gets an error.
 * `onClose` runs once, when the consumer stops or the subscription fails.
 */
export class EventIterator implements AsyncIterableIterator<MailroomEvent> {
  readonly #queue: MailroomEvent[] = [];
  #queuedBytes = 0;
  readonly #waiting: Array<{
    resolve: (result: IteratorResult<MailroomEvent>) => void;
    reject: (error: Error) => void;
  }> = [];
  readonly #seen = new Set<string>();
  #done = false;
  #failure: Error | undefined;

  constructor(
    private readonly accept: (event: MailroomEvent) => boolean,
    private readonly onClose: () => void,
    private readonly limits: EventBufferLimits = DEFAULT_EVENT_BUFFER_LIMITS,
  ) {}

  push(event: MailroomEvent): void {
    if (this.#done || this.#seen.has(event.id) || !this.accept(event)) return;
    this.#seen.add(event.id);
    if (this.#seen.size > REMEMBERED_IDS) this.#seen.delete(this.#seen.values().next().value!);
    const waiter = this.#waiting.shift();
    if (waiter) {
      waiter.resolve({ value: event, done: false });
      return;
    }
    const size = approximateSize(event);
    if (this.#queue.length >= this.limits.maxEvents || this.#queuedBytes + size > this.limits.maxBytes) {
      this.#fail(new SubscriberTooSlowError(this.limits));
      return;
    }
    this.#queue.push(event);
    this.#queuedBytes += size;
  }

  /** Events waiting for the reader, and their approximate size. */
  get backlog(): { readonly events: number; readonly bytes: number } {
    return { events: this.#queue.length, bytes: this.#queuedBytes };
  }

  next(): Promise<IteratorResult<MailroomEvent>> {
    const queued = this.#queue.shift();
    if (queued) {
      this.#queuedBytes -= approximateSize(queued);
      return Promise.resolve({ value: queued, done: false });
    }
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<MailroomEvent>> {
    this.#close();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<MailroomEvent>> {
    this.#close();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #fail(error: Error): void {
    this.#failure = error;
    this.#queue.length = 0;
    this.#queuedBytes = 0;
    for (const waiter of this.#waiting.splice(0)) waiter.reject(error);
    this.#close();
  }

  #close(): void {
    if (this.#done) return;
    this.#done = true;
    for (const waiter of this.#waiting.splice(0)) waiter.resolve({ value: undefined, done: true });
    this.onClose();
  }
}
