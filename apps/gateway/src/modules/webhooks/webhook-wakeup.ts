import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { EventBus } from '@mailroom/events';
import { EVENT_BUS } from '../../runtime.js';
import type { ClaimedDelivery } from './delivery-store.js';
import type { SuccessRide } from './success-recorder.js';

export const WEBHOOK_WAKE_TOPIC = 'mailroom/webhooks/wake';

/** This process's dispatcher, taking deliveries that the statement writing them also claimed. */
export interface DirectDispatch {
  /** Reserves the slots free right now (0 when full or stopping). */
  reserve(): number;
  /** Starts the deliveries claimed against a reservation of `reserved` slots and frees the slots left over. */
  accept(claimed: readonly ClaimedDelivery[], reserved: number): void;
  readonly perEndpoint: number;
  readonly leaseMs: number;
  /** Successes waiting to be recorded, handed to the statement being built (SuccessRecorder.board). */
  board(): SuccessRide | undefined;
}

interface WakeNotice {
  readonly origin: string;
}

/**
 * Tells dispatchers that deliveries were committed, so they leave at once instead of on the next poll: this process's
 * dispatcher directly, the other replicas' over the bus. Bus notices are coalesced: while one is being published,
 * further commits only ask for one more, so a busy pipeline costs at most one publish per bus round trip.
 */
@Injectable()
export class WebhookWakeup implements OnModuleInit, OnModuleDestroy {
  private listener: (() => void) | undefined;
  private readonly origin = randomUUID();
  private publishing = false;
  private publishAgain = false;
  private unsubscribe: (() => Promise<void>) | undefined;

  constructor(@Optional() @Inject(EVENT_BUS) private readonly bus?: EventBus) {}

  async onModuleInit(): Promise<void> {
    if (!this.bus || this.bus.kind === 'in-process') return;
    this.unsubscribe = await this.bus.subscribe<WakeNotice>(WEBHOOK_WAKE_TOPIC, (notice) => {
      if (notice?.origin !== this.origin) this.listener?.();
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.unsubscribe?.().catch(() => undefined);
  }

  onWake(listener: () => void): void {
    this.listener = listener;
  }

  /** The dispatcher offers to take deliveries claimed at insert (see WebhookOutbox.writeDeliveries). */
  offerDirect(dispatch: DirectDispatch): void {
    this.direct = dispatch;
  }

  direct: DirectDispatch | undefined;

  /** Deliveries are committed: wake this process's dispatcher now and the other replicas' through the bus. */
  committed(): void {
    this.listener?.();
    this.#publish();
  }

  /**
   * Deliveries were written inside a transaction that commits later (the caller cannot say when): wake on the next
   * turn and once more shortly after; a dispatcher that finds nothing yet sleeps until the next wake or poll.
   */
  afterCommitSoon(): void {
    const listener = this.listener;
    if (listener) {
      setImmediate(listener);
      setTimeout(listener, 25).unref();
    }
    setTimeout(() => this.#publish(), 25).unref();
  }

  #publish(): void {
    // An in-process bus reaches no other replica.
    if (!this.bus || this.bus.kind === 'in-process') return;
    if (this.publishing) {
      this.publishAgain = true;
      return;
    }
    this.publishing = true;
    this.bus
      .publish<WakeNotice>(WEBHOOK_WAKE_TOPIC, { origin: this.origin })
      .catch(() => undefined) // best effort: the poll still finds the deliveries
      .finally(() => {
        this.publishing = false;
        if (this.publishAgain) {
          this.publishAgain = false;
          this.#publish();
        }
      });
  }
}
