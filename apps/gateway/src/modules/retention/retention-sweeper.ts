import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { receivedIdsPurgeBefore } from '../usage/received-messages.js';
import { RetentionRepository, type RetentionCounts } from './retention.repository.js';

/**
 * Deletes, on a schedule, what Mailroom no longer needs: webhook bodies (message plaintext) once delivered and past
 * their window, old attempt logs, ended refresh tokens, expired idempotency records and ids of received messages past
 * the counting window.
 */
@Injectable()
export class RetentionSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Retention');
  private timer?: NodeJS.Timeout;
  private running?: Promise<RetentionCounts | undefined>;

  constructor(
    private readonly repository: RetentionRepository,
    @Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.runtime.config.retention.sweepIntervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass; overlapping calls share the pass in progress. Failures are logged and retried at the next interval. */
  sweep(now = new Date()): Promise<RetentionCounts | undefined> {
    this.running ??= this.purge(now).finally(() => (this.running = undefined));
    return this.running;
  }

  private async purge(now: Date): Promise<RetentionCounts | undefined> {
    const retention = this.runtime.config.retention;
    const before = (seconds: number) => new Date(now.getTime() - seconds * 1000);
    try {
      const counts = await this.repository.purge({
        now,
        webhookBodiesSucceededBefore: before(retention.webhookBodySeconds),
        webhookAttemptsStartedBefore: before(retention.webhookAttemptsSeconds),
        refreshTokensEndedBefore: before(retention.refreshTokenSeconds),
        receivedIdsSentBefore: receivedIdsPurgeBefore(now),
      });
      if (Object.values(counts).some((n) => n > 0)) this.logger.log({ ...counts }, 'retention sweep purged data');
      return counts;
    } catch (error) {
      this.logger.warn({ err: error }, 'retention sweep failed; retrying at the next interval');
      return undefined;
    }
  }
}
