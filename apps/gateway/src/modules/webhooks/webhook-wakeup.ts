import { Injectable } from '@nestjs/common';

/**
 * Lets the outbox tell this process's dispatcher that work may be waiting, so a new delivery leaves without waiting
 * for the next poll. Other processes find it on their poll. A nudge from inside a transaction may arrive before
 * the commit; the dispatcher then simply finds nothing and the poll picks it up.
 */
@Injectable()
export class WebhookWakeup {
  private listener: (() => void) | undefined;

  onWake(listener: () => void): void {
    this.listener = listener;
  }

  afterCommitSoon(): void {
    const listener = this.listener;
    if (!listener) return;
    setImmediate(listener);
    setTimeout(listener, 25).unref();
  }
}
