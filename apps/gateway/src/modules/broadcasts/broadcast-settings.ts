/** Broadcast pacing and leases. Read from the environment until they join @mailroom/config's typed settings. */
export interface BroadcastSettings {
  /** Pause between two sends of one broadcast, on top of the identity's write budget (BROADCAST_PACE_MS, default 0). */
  readonly paceMs: number;
  /** A worker's hold on a broadcast; a stopped process's broadcast is resumed after this (BROADCAST_LEASE_MS, default 10 s). */
  readonly leaseMs: number;
  /** How often an idle worker looks for broadcasts to resume. */
  readonly pollMs: number;
}

function millis(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min} (milliseconds), got "${raw}"`);
  return value;
}

export function broadcastSettings(): BroadcastSettings {
  return { paceMs: millis('BROADCAST_PACE_MS', 0, 0), leaseMs: millis('BROADCAST_LEASE_MS', 10_000, 1_000), pollMs: 1_000 };
}
