import type { MailroomEvent } from '../events/mailroom-event.js';

const MAX_QUEUED = 10_000;
const REMEMBERED_IDS = 1_000;

/**
 * A subscription's events as an async iterator (what GraphQL subscriptions consume). Events pass `accept` before they
 * queue, so filtered-out events never reach GraphQL execution; an id seen recently is dropped (a replay after a
 * failover may publish it again). `onClose` runs once, when the consumer stops or the subscription fails.
 */
export class EventIterator implements AsyncIterableIterator<MailroomEvent> {
  readonly #queue: MailroomEvent[] = [];
  readonly #waiting: Array<(result: IteratorResult<MailroomEvent>) => void> = [];
  readonly #seen = new Set<string>();
  #done = false;
  #failure: Error | undefined;

  constructor(
    private readonly accept: (event: MailroomEvent) => boolean,
    private readonly onClose: () => void,
  ) {}

  push(event: MailroomEvent): void {
    if (this.#done || this.#seen.has(event.id) || !this.accept(event)) return;
    this.#seen.add(event.id);
    if (this.#seen.size > REMEMBERED_IDS) this.#seen.delete(this.#seen.values().next().value!);
    const waiter = this.#waiting.shift();
    if (waiter) {
      waiter({ value: event, done: false });
      return;
    }
    if (this.#queue.length >= MAX_QUEUED) {
      this.#fail(new Error('subscriber too slow: more than 10000 events waiting'));
      return;
    }
    this.#queue.push(event);
  }

  next(): Promise<IteratorResult<MailroomEvent>> {
    const queued = this.#queue.shift();
    if (queued) return Promise.resolve({ value: queued, done: false });
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.#waiting.push(resolve));
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
    this.#close();
  }

  #close(): void {
    if (this.#done) return;
    this.#done = true;
    for (const waiter of this.#waiting.splice(0)) waiter({ value: undefined, done: true });
    this.onClose();
  }
}
