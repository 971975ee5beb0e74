import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { DeliveryStore, type AttemptResult, type ClaimedDelivery } from './delivery-store.js';
import { nextAttemptAt, type RetryPolicy } from './retry-schedule.js';
import { SuccessRecorder } from './success-recorder.js';
import { WebhookMetrics } from './webhook-metrics.js';
import { WebhookSecrets } from './webhook-secrets.js';
import { WebhookSender } from './webhook-sender.js';
import { WebhookWakeup } from './webhook-wakeup.js';
import { tenantScope } from '@mailroom/persistence';
import { UsageCounters } from '../usage/usage-counters.service.js';

/** Extra lease time beyond the request timeout, for writing the answer; a lease older than this is a stopped process's. */
const LEASE_GRACE_MS = 5_000;
const RECORD_RETRIES = 5;

/**
 * Sends due deliveries: takes those the realtime pipeline's commit claimed for it at insert (no claim round trip),
 * and claims the rest from the outbox with their endpoints (several processes share the work through SKIP LOCKED);
 * sends each attempt, records the answer under the claim's lease (successes batched). Claims when woken by committed
 * deliveries (this process's directly, other replicas' over the bus), by freed slots, and by the poll as a fallback.
 * Global and per-endpoint concurrency are bounded.
 * On shutdown it stops claiming and waits for the attempts in flight to be recorded, so a graceful stop never
 * causes a resend.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private readonly settings: GatewayRuntime['config']['webhooks'];
  private readonly retry: RetryPolicy;
  private readonly inFlight = new Set<Promise<void>>();
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private lastReclaim = 0;
  private readonly successes: SuccessRecorder;

  constructor(
    @Inject(GATEWAY_RUNTIME) runtime: GatewayRuntime,
    private readonly store: DeliveryStore,
    private readonly sender: WebhookSender,
    private readonly secrets: WebhookSecrets,
    private readonly metrics: WebhookMetrics,
    wakeup: WebhookWakeup,
    private readonly usage: UsageCounters,
  ) {
    this.settings = runtime.config.webhooks;
    this.successes = new SuccessRecorder(store, { ride: true });
    this.retry = {
      baseMs: this.settings.retryBaseMs,
      maxDelayMs: this.settings.retryMaxDelayMs,
      windowMs: this.settings.retryWindowMs,
    };
    wakeup.onWake(() => this.onWork());
    wakeup.offerDirect({
      reserve: () => this.reserveDirect(),
      accept: (claimed, reserved) => this.acceptDirect(claimed, reserved),
      perEndpoint: this.settings.endpointConcurrency,
      leaseMs: this.settings.timeoutMs + LEASE_GRACE_MS,
      board: () => this.successes.board(),
    });
  }

  /** Slots promised to a statement that claims the deliveries it writes (WebhookOutbox.writeDeliveries). */
  private reserved = 0;

  private reserveDirect(): number {
    if (!this.running) return 0;
    const free = this.settings.concurrency - this.inFlight.size - this.reserved;
    if (free <= 0) return 0;
    this.reserved += free;
    return free;
  }

  private acceptDirect(claimed: readonly ClaimedDelivery[], reserved: number): void {
    this.reserved -= reserved;
    if (claimed.length > 0) this.start(claimed);
    // Slots the statement did not use may be wanted by work that waited for them.
    if (claimed.length < reserved) this.nudge();
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.nudge();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.reclaimWhenDue();
        const free = this.settings.concurrency - this.inFlight.size - this.reserved;
        // Under a backlog, claim in batches: one claim per freed slot would cost a claim statement per delivery.
        const batch = Math.max(1, Math.floor(this.settings.concurrency / 4));
        if (this.workMayWait && free > 0 && (free >= batch || !this.lastClaimFull || this.polled)) {
          this.polled = false;
          this.workMayWait = false;
          const claimed = await this.store.claim(
            free,
            this.settings.endpointConcurrency,
            this.settings.timeoutMs + LEASE_GRACE_MS,
          );
          this.lastClaimFull = claimed.length === free;
          // A full claim may have left more behind; a partial one took all that was due (new work wakes us again).
          if (this.lastClaimFull) this.workMayWait = true;
          if (claimed.length > 0) this.start(claimed);
        }
      } catch (error) {
        this.workMayWait = true;
        this.logger.warn({ err: error }, 'webhook dispatcher could not claim deliveries; retrying');
      }
      await this.idle();
    }
  }

  /** Due deliveries may be waiting: set by committed deliveries, the poll, a full claim, or an endpoint slot freed. */
  private workMayWait = true;
  private lastClaimFull = false;
  private nudged = false;
  /** True when the last idle ended by the poll timer: claim even a partial batch. */
  private polled = true;
  /** Attempts in flight per endpoint in this process: a finished one frees a slot that may hold work back. */
  private readonly perEndpoint = new Map<string, number>();

  /** Deliveries were committed (here or, via the bus, on another replica). */
  private onWork(): void {
    this.workMayWait = true;
    this.nudge();
  }

  private nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  private idle(): Promise<void> {
    if (this.nudged || !this.running) {
      this.nudged = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        this.nudged = false;
        resolve();
      };
      const timer = setTimeout(() => {
        this.polled = true;
        this.workMayWait = true;
        done();
      }, this.settings.pollIntervalMs);
      this.wake = done;
    });
  }

  private async reclaimWhenDue(): Promise<void> {
    if (Date.now() - this.lastReclaim < this.settings.pollIntervalMs) return;
    this.lastReclaim = Date.now();
    const reclaimed = await this.store.reclaimExpired();
    this.metrics.reclaimed(reclaimed);
    if (reclaimed > 0)
      this.logger.warn({ reclaimed }, 'webhook attempts interrupted by a stopped process will be retried');
  }

  private start(claimed: readonly ClaimedDelivery[]): void {
    for (const delivery of claimed) {
      const id = delivery.endpointId;
      this.perEndpoint.set(id, (this.perEndpoint.get(id) ?? 0) + 1);
      const task = this.deliver(delivery).finally(() => {
        this.inFlight.delete(task);
        const before = this.perEndpoint.get(id) ?? 1;
        if (before <= 1) this.perEndpoint.delete(id);
        else this.perEndpoint.set(id, before - 1);
        // The endpoint was at its limit: deliveries of it may have been left unclaimed.
        if (before >= this.settings.endpointConcurrency) this.workMayWait = true;
        this.nudge();
      });
      this.inFlight.add(task);
    }
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    let secrets: string[] | undefined;
    try {
      secrets = this.secrets.openSigning(delivery.endpointId, delivery.endpoint);
    } catch (error) {
      this.logger.error({ err: error, endpointId: delivery.endpointId }, 'cannot open a webhook signing secret');
    }
    const result: AttemptResult & { ok: boolean } = secrets
      ? await this.sender.send({
          url: delivery.endpoint.url,
          secrets,
          eventId: delivery.eventId,
          attempt: delivery.attempt,
          body: delivery.body,
        })
      : { ok: false, statusCode: null, error: 'the signing secret cannot be opened', durationMs: 0 };
    this.metrics.attempt(result.ok ? 'succeeded' : 'failed', result.durationMs);
    await this.record(delivery, result);
    await this.usage
      .increment(tenantScope(delivery.tenantId), result.ok ? 'webhooks.succeeded' : 'webhooks.failed')
      .catch((error: unknown) => this.logger.warn({ err: error }, 'counting a webhook attempt failed'));
  }

  /** Retries the write a few times: losing it would mean resending a delivered event once the lease expires. */
  private async record(delivery: ClaimedDelivery, result: AttemptResult & { ok: boolean }): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (result.ok) {
          if (!(await this.successes.record(delivery, result))) this.lostLease(delivery);
          return;
        }
        const next = nextAttemptAt(this.retry, delivery.attempt, delivery.windowStartedAt);
        const outcome = await this.store.recordFailure(delivery, result, next, this.settings.disableAfterFailures);
        if (!outcome.recorded) this.lostLease(delivery);
        else if (next) this.wakeAt(next);
        if (outcome.endpointDisabled) {
          this.metrics.endpointDisabled();
          this.logger.warn(
            { endpointId: delivery.endpointId, tenantId: delivery.tenantId },
            'webhook endpoint disabled after consecutive failures',
          );
        }
        return;
      } catch (error) {
        if (attempt >= RECORD_RETRIES) {
          this.logger.error(
            { err: error, deliveryId: delivery.id },
            'could not record a webhook attempt; it will be retried when its lease expires',
          );
          return;
        }
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  }

  /** A retry due before the next poll is claimed on time rather than up to a poll interval late. */
  private wakeAt(at: Date): void {
    const delay = at.getTime() - Date.now();
    if (delay >= this.settings.pollIntervalMs) return;
    setTimeout(() => this.onWork(), Math.max(0, delay)).unref();
  }

  private lostLease(delivery: ClaimedDelivery): void {
    this.logger.warn(
      { deliveryId: delivery.id, attempt: delivery.attempt },
      'webhook attempt finished after its lease was reclaimed or the endpoint deleted',
    );
  }
}
