import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What the realtime pipeline exposes for scraping (StreamSupervisor.stats()). */
export interface RealtimeStatsSource {
  stats(): { pipelines: number; live: number; publishErrors: number; restarts: { stream: number; pipeline: number } };
  /** Hands over every event the pipelines emit. */
  observeEvents(observer: (event: EventLike) => void): void;
}

interface EventLike {
  id?: unknown;
  type?: unknown;
  createdAt?: unknown;
}

/**
 * Realtime health: event lag (the event's own time, for messages the sent-at, to its publication on the bus),
 * events published by type, pipelines live or waiting to restart, and stream restarts reported by the pipeline.
 */
export class RealtimeMetrics {
  private readonly lag: Histogram<'type'>;
  private readonly published: Counter<'type'>;
  private source?: RealtimeStatsSource;

  constructor(registry: Registry) {
    const registers = [registry];
    this.lag = new Histogram({
      name: 'realtime_event_lag_seconds',
      help: 'From the time an event happened (a message: its sent-at) to its emission to webhooks and subscribers.',
      labelNames: ['type'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    this.published = new Counter({
      name: 'realtime_events_published_total',
      help: 'Events the realtime pipelines emitted (to webhooks, and on the bus while someone subscribes), by type.',
      labelNames: ['type'],
      registers,
    });
    const stats = () =>
      this.source?.stats() ?? { pipelines: 0, live: 0, publishErrors: 0, restarts: { stream: 0, pipeline: 0 } };
    new Counter({
      name: 'realtime_stream_restarts_total',
      help: 'XMTP streams that reconnected (reason="stream": the SDK retried, the pipeline caught up) and event pipelines the supervisor restarted after they ended (reason="pipeline").',
      labelNames: ['reason'],
      registers,
      collect() {
        const { restarts } = stats();
        this.reset();
        this.inc({ reason: 'stream' }, restarts.stream);
        this.inc({ reason: 'pipeline' }, restarts.pipeline);
      },
    });
    new Gauge({
      name: 'realtime_pipelines',
      help: 'Identities whose XMTP streams this process runs, by state (live, restarting).',
      labelNames: ['state'],
      registers,
      collect() {
        const { pipelines, live } = stats();
        this.set({ state: 'live' }, live);
        this.set({ state: 'restarting' }, pipelines - live);
      },
    });
    new Counter({
      name: 'realtime_publish_errors_total',
      help: 'Events the bus refused to carry (subscribers missed them; webhooks did not: they come from the outbox).',
      registers,
      collect() {
        this.reset();
        this.inc(stats().publishErrors);
      },
    });
  }

  /** The pipeline's supervisor, read at scrape time. */
  readFrom(source: RealtimeStatsSource): void {
    this.source = source;
    source.observeEvents((event) => this.observe(event));
  }

  private observe(event: EventLike): void {
    if (
      typeof event !== 'object' ||
      event === null ||
      typeof event.type !== 'string' ||
      typeof event.createdAt !== 'string' ||
      typeof event.id !== 'string'
    )
      return;
    const happened = Date.parse(event.createdAt);
    if (Number.isNaN(happened)) return;
    this.published.inc({ type: event.type });
    this.lag.observe({ type: event.type }, Math.max(0, (Date.now() - happened) / 1000));
  }
}
