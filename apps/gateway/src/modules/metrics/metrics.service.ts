import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The gateway's Prometheus registry: process defaults, HTTP requests and rate-limit refusals. One registry per app instance. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly requestDuration: Histogram<'method' | 'route' | 'status_code'>;
  private readonly requestsTotal: Counter<'method' | 'route' | 'status_code'>;
  private readonly rateLimited: Counter<'route'>;

  constructor() {
    this.registry.setDefaultLabels({ service: 'mailroom-gateway' });
    collectDefaultMetrics({ register: this.registry });
    this.requestDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration in seconds, by route template.',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.requestsTotal = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests served, by route template.',
      labelNames: ['method', 'route', 'status_code'],
      registers: [this.registry],
    });
    this.rateLimited = new Counter({
      name: 'rate_limit_rejections_total',
      help: "Requests refused with 429 (credential or tenant request budget, or an identity's XMTP network budget), by route.",
      labelNames: ['route'],
      registers: [this.registry],
    });
  }

  observeRequest(method: string, route: string, statusCode: number, seconds: number): void {
    const labels = { method, route, status_code: String(statusCode) };
    this.requestDuration.observe(labels, seconds);
    this.requestsTotal.inc(labels);
    if (statusCode === 429) this.rateLimited.inc({ route });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
