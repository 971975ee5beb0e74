import type { AttemptResult, ClaimedDelivery, DeliveryStore, Success } from './delivery-store.js';

interface Waiting extends Success {
  resolve(recorded: boolean): void;
  reject(error: unknown): void;
}

/** How long successes wait for a commit statement to ride along with before they are written on their own. */
export const RIDE_WAIT_MS = 25;

/** Successes that left with a statement of someone else's (see SuccessRecorder.board). */
export interface SuccessRide {
  readonly successes: readonly Success[];
  /** The statement committed; `recorded` are the ids its `succeeded` CTE returned. */
  landed(recorded: ReadonlySet<string>): void;
  /** The statement failed: nothing of it was written; the successes are written on their own. */
  missed(): void;
}

/**
 * Records successful attempts in batches. Successes first wait (up to RIDE_WAIT_MS) for the realtime pipeline's next
 * commit statement, which takes them along (`board`, through WebhookOutbox.writeDeliveries): under load an outcome
 * then costs no round trip of its own. Those no statement took are written together as one statement of their own;
 * everything that succeeds while that one runs goes out together next.
 */
export class SuccessRecorder {
  #waiting: Waiting[] = [];
  #writing = false;
  #scheduled = false;
  #rideTimer: NodeJS.Timeout | undefined;
  /** Waiting successes should be written on their own (their ride wait ended, or their statement failed). */
  #aloneDue = false;

  constructor(
    private readonly store: Pick<DeliveryStore, 'recordSuccesses'>,
    private readonly options: { ride: boolean } = { ride: false },
  ) {}

  /** True once recorded; false when the lease was lost. Rejects when the batch's write failed (the caller retries). */
  record(delivery: ClaimedDelivery, result: AttemptResult): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ delivery, result, resolve, reject });
      if (!this.options.ride) this.#schedule();
      else this.#rideTimer ??= setTimeout(() => this.#goAlone(), RIDE_WAIT_MS);
    });
  }

  /** Hands every waiting success to a statement being built; undefined when none waits. */
  board(): SuccessRide | undefined {
    if (!this.options.ride || this.#waiting.length === 0) return undefined;
    const riders = this.#waiting;
    this.#waiting = [];
    this.#clearRideTimer();
    let settled = false;
    return {
      successes: riders,
      landed: (recorded) => {
        if (settled) return;
        settled = true;
        for (const w of riders) w.resolve(recorded.has(w.delivery.id));
      },
      missed: () => {
        if (settled) return;
        settled = true;
        this.#waiting = [...riders, ...this.#waiting];
        this.#goAlone();
      },
    };
  }

  #goAlone(): void {
    this.#clearRideTimer();
    this.#aloneDue = true;
    this.#schedule();
  }

  #clearRideTimer(): void {
    if (this.#rideTimer) clearTimeout(this.#rideTimer);
    this.#rideTimer = undefined;
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
    this.#clearRideTimer();
    this.#aloneDue = false;
    this.#writing = true;
    try {
      const recorded = await this.store.recordSuccesses(batch);
      for (const w of batch) w.resolve(recorded.has(w.delivery.id));
    } catch (error) {
      for (const w of batch) w.reject(error);
    } finally {
      this.#writing = false;
      // Successes that arrived meanwhile go next, unless they still wait for a ride.
      if (this.#waiting.length > 0 && (!this.options.ride || this.#aloneDue)) this.#schedule();
    }
  }
}
