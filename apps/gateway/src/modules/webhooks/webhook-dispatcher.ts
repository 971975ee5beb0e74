import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { DeliveryStore, type AttemptResult, type ClaimedDelivery } from './delivery-store.js';
import { nextAttemptAt, type RetryPolicy } from './retry-schedule.js';
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
 * Sends due deliveries: claims them from the outbox (several processes share the work through SKIP LOCKED), sends
 * each attempt, records the answer under the claim's lease. Global and per-endpoint concurrency are bounded.
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
    this.retry = { baseMs: this.settings.retryBaseMs, maxDelayMs: this.settings.retryMaxDelayMs, windowMs: this.settings.retryWindowMs };
    wakeup.onWake(() => this.nudge());
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
        const free = this.settings.concurrency - this.inFlight.size;
        // Claim in batches: one claim per freed slot would cost a claim statement per delivery under load.
        const batch = Math.max(1, Math.floor(this.settings.concurrency / 4));
        if (free >= batch || (free > 0 && this.polled)) {
          this.polled = false;
          const claimed = await this.store.claim(free, this.settings.endpointConcurrency, this.settings.timeoutMs + LEASE_GRACE_MS);
          if (claimed.length > 0) this.start(claimed);
        }
      } catch (error) {
        this.logger.warn({ err: error }, 'webhook dispatcher could not claim deliveries; retrying');
      }
      // Woken early by an enqueue in this process or by a finished attempt (a free slot); otherwise by the poll.
      await this.idle();
    }
  }

  private nudged = false;
  /** True when the last idle ended by the poll timer rather than a nudge: claim even a partial batch. */
  private polled = true;

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
    if (reclaimed > 0) this.logger.warn({ reclaimed }, 'webhook attempts interrupted by a stopped process will be retried');
  }

  private start(claimed: readonly ClaimedDelivery[]): void {
    const endpoints = this.store.endpoints(claimed.map((d) => d.endpointId));
    for (const delivery of claimed) {
      const task = this.deliver(delivery, endpoints).finally(() => {
        this.inFlight.delete(task);
        this.nudge();
      });
      this.inFlight.add(task);
    }
  }

  private async deliver(delivery: ClaimedDelivery, endpoints: ReturnType<DeliveryStore['endpoints']>): Promise<void> {
    let result: AttemptResult & { ok: boolean };
    const endpoint = (await endpoints.catch(() => [])).find((e) => e.id === delivery.endpointId);
    if (!endpoint) {
      result = { ok: false, statusCode: null, error: 'endpoint not found', durationMs: 0 };
    } else {
      let secret: string | undefined;
      try {
        secret = this.secrets.open(endpoint.id, endpoint);
      } catch (error) {
        this.logger.error({ err: error, endpointId: endpoint.id }, 'cannot open a webhook signing secret');
      }
      result = secret
        ? await this.sender.send({ url: endpoint.url, secret, eventId: delivery.eventId, attempt: delivery.attempt, body: delivery.body })
        : { ok: false, statusCode: null, error: 'the signing secret cannot be opened', durationMs: 0 };
    }
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
          if (!(await this.store.recordSuccess(delivery, result))) this.lostLease(delivery);
          return;
        }
        const next = nextAttemptAt(this.retry, delivery.attempt, delivery.windowStartedAt);
        const outcome = await this.store.recordFailure(delivery, result, next, this.settings.disableAfterFailures);
        if (!outcome.recorded) this.lostLease(delivery);
        if (outcome.endpointDisabled) {
          this.metrics.endpointDisabled();
          this.logger.warn({ endpointId: delivery.endpointId, tenantId: delivery.tenantId }, 'webhook endpoint disabled after consecutive failures');
        }
        return;
      } catch (error) {
        if (attempt >= RECORD_RETRIES) {
          this.logger.error({ err: error, deliveryId: delivery.id }, 'could not record a webhook attempt; it will be retried when its lease expires');
          return;
        }
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  }

  private lostLease(delivery: ClaimedDelivery): void {
    this.logger.warn({ deliveryId: delivery.id, attempt: delivery.attempt }, 'webhook attempt finished after its lease was reclaimed or the endpoint deleted');
  }
}
