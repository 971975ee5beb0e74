import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service.js';

/** Webhook counters on the gateway's Prometheus registry. */
@Injectable()
export class WebhookMetrics {
  private readonly attempts: Counter<'outcome'>;
  private readonly duration: Histogram<'outcome'>;
  private readonly disabled: Counter;
  private readonly interrupted: Counter;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.attempts = new Counter({
      name: 'webhook_delivery_attempts_total',
      help: 'Webhook delivery attempts, by outcome (succeeded, failed).',
      labelNames: ['outcome'],
      registers,
    });
    this.duration = new Histogram({
      name: 'webhook_delivery_attempt_duration_seconds',
      help: 'Time from sending a webhook request to its status line (or failure).',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.disabled = new Counter({
      name: 'webhook_endpoints_disabled_total',
      help: 'Endpoints disabled after a run of failed attempts.',
      registers,
    });
    this.interrupted = new Counter({
      name: 'webhook_attempts_interrupted_total',
      help: 'Attempts found in flight under an expired lease (their process stopped) and retried.',
      registers,
    });
  }

  attempt(outcome: 'succeeded' | 'failed', durationMs: number): void {
    this.attempts.inc({ outcome });
    this.duration.observe({ outcome }, durationMs / 1000);
  }

  endpointDisabled(): void {
    this.disabled.inc();
  }

  reclaimed(count: number): void {
    if (count > 0) this.interrupted.inc(count);
  }
}
