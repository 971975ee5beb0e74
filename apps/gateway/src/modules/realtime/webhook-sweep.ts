import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Identity } from '@mailroom/persistence';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { RealtimeStreamsSystemRepository } from '../../system/index.js';
import { realtimeSettings, type RealtimeSettings } from './realtime-settings.js';
import { StreamSupervisor } from './stream-supervisor.js';

export interface SweepPass {
  readonly identities: number;
  readonly caughtUp: number;
  readonly elsewhere: number;
  readonly failed: number;
  readonly durationMs: number;
  readonly finishedAt: Date;
}

/**
 * The rotating catch-up sweep: walks every active identity of tenants with an enabled webhook endpoint, in id
 * order, a batch at a time. Identities already streamed here are skipped (reconciliation covers them); the others
 * are activated, synced and replayed from their cursor, and keep streaming while the pool keeps them live.
 * Identities another replica holds are that replica's. Worst-case delay for an evicted identity is one full pass.
 */
@Injectable()
export class WebhookSweep implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('WebhookSweep');
  private readonly settings: RealtimeSettings;
  private stopped = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private lastPassValue?: SweepPass;
  private passListeners = new Set<(pass: SweepPass) => void>();

  constructor(
    @Inject(GATEWAY_RUNTIME) runtime: GatewayRuntime,
    private readonly streams: RealtimeStreamsSystemRepository,
    private readonly supervisor: StreamSupervisor,
  ) {
    this.settings = realtimeSettings(runtime.config);
  }

  onApplicationBootstrap(): void {
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  get lastPass(): SweepPass | undefined {
    return this.lastPassValue;
  }

  /** Resolves with the next completed pass (tests and the benchmark). */
  nextPass(): Promise<SweepPass> {
    return new Promise((resolve) => {
      const listener = (pass: SweepPass) => {
        this.passListeners.delete(listener);
        resolve(pass);
      };
      this.passListeners.add(listener);
    });
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const pass = await this.pass();
        this.lastPassValue = pass;
        for (const listener of [...this.passListeners]) listener(pass);
        if (pass.identities > 0) this.logger.debug(pass, 'webhook sweep pass done');
        // Between passes one pause; with nothing to sweep, a few before looking again.
        await this.pause(this.settings.sweepPauseMs * (pass.identities === 0 ? 5 : 1));
      } catch (error) {
        this.logger.warn({ err: String(error) }, 'webhook sweep failed');
        await this.pause(this.settings.sweepPauseMs * 5);
      }
    }
  }

  /** One full rotation over every identity with a webhook. */
  private async pass(): Promise<SweepPass> {
    const started = performance.now();
    let after: string | undefined;
    const totals = { identities: 0, caughtUp: 0, elsewhere: 0, failed: 0 };
    while (!this.stopped) {
      const batch = await this.batch(after);
      if (batch.length === 0) break;
      after = batch[batch.length - 1]!.id;
      totals.identities += batch.length;
      await this.visitAll(batch, totals);
      if (batch.length < this.settings.sweepBatch) break;
      await this.pause(this.settings.sweepPauseMs);
    }
    return { ...totals, durationMs: Math.round(performance.now() - started), finishedAt: new Date() };
  }

  private batch(after: string | undefined): Promise<Identity[]> {
    return this.streams.activeIdentitiesWithWebhooks(after, this.settings.sweepBatch);
  }

  private async visitAll(
    rows: Identity[],
    totals: { caughtUp: number; elsewhere: number; failed: number },
  ): Promise<void> {
    const queue = [...rows];
    const worker = async () => {
      for (let row = queue.shift(); row && !this.stopped; row = queue.shift()) {
        if (this.supervisor.isLive(row.id)) continue;
        const outcome = await this.supervisor.ensure(row, { webhook: true }).catch(() => 'failed' as const);
        if (outcome === 'started' || outcome === 'live') totals.caughtUp++;
        else if (outcome === 'elsewhere') totals.elsewhere++;
        else totals.failed++;
      }
    };
    await Promise.all(Array.from({ length: this.settings.sweepConcurrency }, worker));
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
