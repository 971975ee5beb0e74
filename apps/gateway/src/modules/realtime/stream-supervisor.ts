import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { PrismaClient, type Identity } from '@mailroom/persistence';
import { EVENT_BUS, GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import type { EventBus } from '@mailroom/events';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { EventCursorsSystemRepository, RealtimeStreamsSystemRepository, type EventCursor } from '../../system/index.js';
import { IdentityHosting } from '../identities/identity-hosting.js';
import { WelcomeStreams } from '../identities/welcome-streams.js';
import { WebhookOutbox } from '../webhooks/webhook-outbox.js';
import { IdentityEventLog } from './identity-event-log.js';
import { IdentityPipeline } from './identity-pipeline.js';
import { poolDeactivationsOf } from './pool-deactivations.js';
import type { MailroomEvent } from '../events/mailroom-event.js';
import { INTEREST_TOPIC, RealtimeTopics, type InterestNotice } from './realtime-topics.js';
import { realtimeSettings, type RealtimeSettings } from './realtime-settings.js';

/** Why a pipeline runs: a GraphQL subscriber somewhere (until its heartbeats stop), or a tenant webhook. */
interface Demand {
  subscriberUntil: number;
  webhook: boolean;
}

interface Entry {
  demand: Demand;
  pipeline?: IdentityPipeline;
  starting?: Promise<IdentityPipeline | undefined>;
  restartTimer?: NodeJS.Timeout;
  failures: number;
}

export type EnsureOutcome = 'live' | 'started' | 'elsewhere' | 'failed';

const nowNs = () => BigInt(Date.now()) * 1_000_000n;

/**
 * Runs the event pipelines of the identities this process owns and someone listens to. Starts one on demand
 * (subscriber interest from any replica via the bus, or the webhook sweep), stops it when the pool deactivates the
 * client (eviction, release, fencing, shutdown) and restarts it after a failure while demand lasts. Reconciles every
 * live pipeline on a timer (sync + replay from the cursor) to catch what a healthy-looking stream missed.
 */
@Injectable()
export class StreamSupervisor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('StreamSupervisor');
  private readonly entries = new Map<string, Entry>();
  private readonly topics: RealtimeTopics;
  private readonly settings: RealtimeSettings;
  private readonly cleanups: Array<() => unknown> = [];
  private reconcileTimer?: NodeJS.Timeout;
  private reconciling = false;
  private closed = false;
  private publishErrors = 0;
  private readonly restarts = { stream: 0, pipeline: 0 };

  constructor(
    @Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime,
    @Inject(EVENT_BUS) bus: EventBus,
    /** Only handed to each identity's event log, whose committer writes deliveries and cursors in one statement. */
    private readonly prisma: PrismaClient,
    private readonly hosting: IdentityHosting,
    private readonly cursors: EventCursorsSystemRepository,
    private readonly outbox: WebhookOutbox,
    private readonly streams: RealtimeStreamsSystemRepository,
    welcomeStreams: WelcomeStreams,
  ) {
    this.topics = new RealtimeTopics(bus);
    this.settings = realtimeSettings(runtime.config);
    welcomeStreams.answerWith((identityId) => this.isLive(identityId));
  }

  async onApplicationBootstrap(): Promise<void> {
    const hub = poolDeactivationsOf(this.runtime.pool);
    if (hub) this.cleanups.push(hub.listen((identityId) => this.onDeactivated(identityId)));
    else
      this.logger.warn(
        'the installation pool has no deactivation hub: streams of evicted identities are noticed only when they fail',
      );
    this.cleanups.push(
      await this.topics.subscribe(INTEREST_TOPIC, (notice) =>
        this.onInterest(notice).catch((error: unknown) =>
          this.logger.warn(
            { identityId: notice.identityId, err: String(error) },
            'could not act on subscriber interest',
          ),
        ),
      ),
    );
    this.reconcileTimer = setInterval(
      () =>
        void this.reconcile().catch((error: unknown) =>
          this.logger.warn({ err: String(error) }, 'reconciliation pass failed'),
        ),
      this.settings.reconcileIntervalMs,
    );
    this.reconcileTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
    for (const cleanup of this.cleanups.splice(0)) {
      await Promise.resolve()
        .then(cleanup)
        .catch((error: unknown) => this.logger.warn({ err: String(error) }, 'a realtime cleanup failed'));
    }
    const flushes: Promise<void>[] = [];
    for (const entry of this.entries.values()) {
      if (entry.restartTimer) clearTimeout(entry.restartTimer);
      if (entry.pipeline) {
        entry.pipeline.stop();
        flushes.push(withTimeout(entry.pipeline.log.flush(), 5_000));
      }
    }
    await Promise.allSettled([...this.entries.values()].map((e) => e.starting));
    await Promise.allSettled(flushes);
    this.entries.clear();
  }

  /** Makes sure the identity's pipeline runs here, if this process can own the identity. */
  async ensure(row: Identity, demand: { subscriberTtlMs?: number; webhook?: boolean }): Promise<EnsureOutcome> {
    if (this.closed) return 'failed';
    let entry = this.entries.get(row.id);
    if (!entry) {
      entry = { demand: { subscriberUntil: 0, webhook: false }, failures: 0 };
      this.entries.set(row.id, entry);
    }
    if (demand.subscriberTtlMs)
      entry.demand.subscriberUntil = Math.max(entry.demand.subscriberUntil, Date.now() + demand.subscriberTtlMs);
    if (demand.webhook) entry.demand.webhook = true;
    if (entry.pipeline && !entry.pipeline.stopped) return 'live';
    if (!entry.starting) entry.starting = this.start(row, entry).finally(() => (entry.starting = undefined));
    const pipeline = await entry.starting;
    if (pipeline) return 'started';
    return this.entries.has(row.id) ? 'failed' : 'elsewhere';
  }

  isLive(identityId: string): boolean {
    const pipeline = this.entries.get(identityId)?.pipeline;
    return pipeline !== undefined && !pipeline.stopped;
  }

  #eventObserver: ((event: MailroomEvent) => void) | undefined;

  /** Sees every event the pipelines emit, published on the bus or not (metrics). */
  observeEvents(observer: (event: MailroomEvent) => void): void {
    this.#eventObserver = observer;
  }

  stats(): { pipelines: number; live: number; publishErrors: number; restarts: { stream: number; pipeline: number } } {
    let live = 0;
    for (const id of this.entries.keys()) if (this.isLive(id)) live++;
    return { pipelines: this.entries.size, live, publishErrors: this.publishErrors, restarts: { ...this.restarts } };
  }

  /** One reconciliation pass over every live pipeline, one identity at a time. */
  async reconcile(): Promise<void> {
    if (this.reconciling || this.closed) return;
    this.reconciling = true;
    try {
      for (const [identityId, entry] of [...this.entries]) {
        const pipeline = entry.pipeline;
        if (!pipeline || pipeline.stopped) continue;
        if (!(await this.stillWanted(pipeline.row, entry))) {
          this.drop(identityId, entry);
          continue;
        }
        await pipeline
          .catchUp()
          .catch((error: unknown) => this.logger.warn({ identityId, err: String(error) }, 'reconciliation failed'));
      }
    } finally {
      this.reconciling = false;
    }
  }

  private async start(row: Identity, entry: Entry): Promise<IdentityPipeline | undefined> {
    this.logger.debug({ identityId: row.id }, 'starting event pipeline');
    // A first cursor covers the identity's life when it is recent (an identity created just before the sweep or a
    // subscriber reached it), at most the replay window.
    const lookbackNs = BigInt(this.settings.replayLookbackMs) * 1_000_000n;
    const createdNs = BigInt(row.createdAt.getTime()) * 1_000_000n;
    const windowStartNs = nowNs() - lookbackNs;
    let cursor: EventCursor;
    try {
      cursor = await this.cursors.load(row.tenantId, row.id, createdNs > windowStartNs ? createdNs : windowStartNs);
    } catch (error) {
      this.failedToStart(row.id, entry, error);
      return undefined;
    }
    const log = new IdentityEventLog(row.tenantId, row.id, cursor, {
      prisma: this.prisma,
      topics: this.topics,
      outbox: this.outbox,
      lookbackNs,
      onPublishError: (error) => {
        if (this.publishErrors++ % 100 === 0)
          this.logger.warn({ err: String(error), count: this.publishErrors }, 'publishing an event on the bus failed');
      },
      onCommitError: (error) =>
        this.logger.warn({ identityId: row.id, err: String(error) }, 'committing events failed; retrying'),
      hasSubscribers: () => entry.demand.subscriberUntil > Date.now(),
      onEmitted: (event) => this.#eventObserver?.(event),
    });
    const pipeline = new IdentityPipeline(row, log, {
      use: (r, fn, options) => this.hosting.use(r, fn, options),
      logger: this.logger,
      streamRetryAttempts: this.settings.streamRetryAttempts,
      streamRetryDelayMs: this.settings.streamRetryDelayMs,
      onEnded: (ended, reason) => this.onPipelineEnded(ended, reason),
      onStreamRestarted: () => this.restarts.stream++,
    });
    try {
      await pipeline.start();
      entry.pipeline = pipeline;
      entry.failures = 0;
      this.logger.debug({ identityId: row.id }, 'event pipeline live');
      return pipeline;
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.ServiceUnavailable && !error.details.dependency) {
        // Another replica holds the identity; it streams it when it sees the same demand.
        this.entries.delete(row.id);
        return undefined;
      }
      this.failedToStart(row.id, entry, error);
      return undefined;
    }
  }

  /** A start that failed for a reason that may pass (Postgres, Redis or XMTP away) is retried while demand lasts. */
  private failedToStart(identityId: string, entry: Entry, error: unknown): void {
    entry.failures++;
    this.logger.warn({ identityId, err: String(error), failures: entry.failures }, 'event pipeline did not start');
    this.scheduleRestart(identityId, entry);
  }

  private onPipelineEnded(pipeline: IdentityPipeline, reason: string): void {
    const entry = this.entries.get(pipeline.identityId);
    if (!entry || entry.pipeline !== pipeline) return;
    this.logger.warn({ identityId: pipeline.identityId, reason }, 'event pipeline ended; restarting');
    entry.failures++;
    this.scheduleRestart(pipeline.identityId, entry);
  }

  /** The pool is closing the identity's client: stop its streams now; come back only for subscribers. */
  private onDeactivated(identityId: string): void {
    const entry = this.entries.get(identityId);
    if (!entry?.pipeline) return;
    entry.pipeline.stop();
    if (this.closed) return;
    if (entry.demand.subscriberUntil > Date.now()) {
      this.scheduleRestart(identityId, entry);
    } else {
      // Webhook-only identities that are not live are the rotating sweep's job.
      this.entries.delete(identityId);
    }
  }

  private scheduleRestart(identityId: string, entry: Entry): void {
    if (this.closed || entry.restartTimer) return;
    const delay = Math.min(30_000, 500 * 2 ** Math.min(entry.failures, 6));
    entry.restartTimer = setTimeout(() => {
      entry.restartTimer = undefined;
      this.restart(identityId, entry).catch((error: unknown) => {
        // Typically Postgres away: keep trying (backing off) until it is back or the demand is gone.
        if (this.closed || this.entries.get(identityId) !== entry) return;
        entry.failures++;
        this.logger.warn(
          { identityId, err: String(error), failures: entry.failures },
          'event pipeline restart failed; retrying',
        );
        this.scheduleRestart(identityId, entry);
      });
    }, delay);
    entry.restartTimer.unref();
  }

  private async restart(identityId: string, entry: Entry): Promise<void> {
    if (this.closed || this.entries.get(identityId) !== entry) return;
    const row = await this.activeRow(identityId);
    if (!row || !(await this.stillWanted(row, entry))) {
      this.entries.delete(identityId);
      return;
    }
    if (entry.pipeline) await withTimeout(entry.pipeline.log.flush(), 5_000);
    entry.pipeline = undefined;
    this.restarts.pipeline++;
    await this.ensure(row, {});
  }

  private async onInterest(notice: InterestNotice): Promise<void> {
    if (this.closed) return;
    const entry = this.entries.get(notice.identityId);
    if (entry?.pipeline && !entry.pipeline.stopped) {
      entry.demand.subscriberUntil = Math.max(entry.demand.subscriberUntil, Date.now() + notice.ttlMs);
      return;
    }
    const row = await this.activeRow(notice.identityId, notice.tenantId);
    if (!row) return;
    await this.ensure(row, { subscriberTtlMs: notice.ttlMs }).catch((error: unknown) =>
      this.logger.warn(
        { identityId: notice.identityId, err: String(error) },
        'could not start streaming for a subscriber',
      ),
    );
  }

  private async stillWanted(row: Identity, entry: Entry): Promise<boolean> {
    if (entry.demand.subscriberUntil > Date.now()) return true;
    entry.demand.webhook = await this.streams.tenantHasEnabledWebhook(row.tenantId);
    return entry.demand.webhook;
  }

  private drop(identityId: string, entry: Entry): void {
    entry.pipeline?.stop();
    if (entry.restartTimer) clearTimeout(entry.restartTimer);
    this.entries.delete(identityId);
  }

  private activeRow(identityId: string, tenantId?: string): Promise<Identity | null> {
    return this.streams.activeIdentity(identityId, tenantId);
  }
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  return Promise.race([promise, new Promise<void>((resolve) => setTimeout(resolve, ms).unref())]);
}
