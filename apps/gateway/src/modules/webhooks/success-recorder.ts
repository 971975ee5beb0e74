import type { AttemptResult, ClaimedDelivery, DeliveryStore } from './delivery-store.js';

interface Waiting {
  readonly delivery: ClaimedDelivery;
  readonly result: AttemptResult;
  resolve(recorded: boolean): void;
  reject(error: unknown): void;
}

/**
 * Records successful attempts in batches: a success goes out at once when no write is in flight; everything that
 * succeeds while one is goes out together as the next statement, so a busy dispatcher writes outcomes at one round
 * trip per batch without delaying a lone success.
 */
export class SuccessRecorder {
  #waiting: Waiting[] = [];
  #writing = false;
  #scheduled = false;

  constructor(private readonly store: Pick<DeliveryStore, 'recordSuccesses'>) {}

  /** True once recorded; false when the lease was lost. Rejects when the batch's write failed (the caller retries). */
  record(delivery: ClaimedDelivery, result: AttemptResult): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ delivery, result, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#writing || this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      void this.#write();
    });
  }

  async #write(): Promise<void> {
    const batch = this.#waiting;
    if (batch.length === 0) return;
    this.#waiting = [];
    this.#writing = true;
    try {
      const recorded = await this.store.recordSuccesses(batch);
      for (const w of batch) w.resolve(recorded.has(w.delivery.id));
    } catch (error) {
      for (const w of batch) w.reject(error);
    } finally {
      this.#writing = false;
      if (this.#waiting.length > 0) this.#schedule();
    }
  }
}
