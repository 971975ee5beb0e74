import type { GatewayConfig } from '@mailroom/config';

export interface RealtimeSettings {
  readonly reconcileIntervalMs: number;
  readonly replayLookbackMs: number;
  readonly sweepBatch: number;
  readonly sweepConcurrency: number;
  readonly sweepPauseMs: number;
  /** The SDK retries a broken stream this often, this far apart, before the pipeline is restarted from scratch. */
  readonly streamRetryAttempts: number;
  readonly streamRetryDelayMs: number;
  /** Subscriber interest: heartbeat period, and how long an owner keeps streaming without one. */
  readonly interestHeartbeatMs: number;
  readonly interestTtlMs: number;
}

export function realtimeSettings(config: GatewayConfig): RealtimeSettings {
  return {
    ...config.events,
    streamRetryAttempts: 6,
    streamRetryDelayMs: 1_000,
    interestHeartbeatMs: 10_000,
    interestTtlMs: 35_000,
  };
}
