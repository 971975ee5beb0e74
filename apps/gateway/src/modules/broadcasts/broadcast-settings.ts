import type { GatewayConfig } from '@mailroom/config';

/** Broadcast pacing and leases (BROADCAST_PACE_MS, BROADCAST_LEASE_MS in the typed configuration). */
export interface BroadcastSettings {
  /** Pause between two sends of one broadcast, on top of the identity's write budget. */
  readonly paceMs: number;
  /** A worker's hold on a broadcast; a stopped process's broadcast is resumed after this. */
  readonly leaseMs: number;
  /** How often an idle worker looks for broadcasts to resume. */
  readonly pollMs: number;
}

export function broadcastSettings(config: GatewayConfig): BroadcastSettings {
  return { ...config.broadcasts, pollMs: 1_000 };
}
