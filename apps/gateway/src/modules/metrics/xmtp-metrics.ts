import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { sqliteConnections, sqliteMemory, xmtpSdk, type InstallationPool } from '@mailroom/xmtp';

/** Pool operations timed by `xmtp_call_duration_seconds`, named after what the caller asked for. */
const TIMED_OPERATIONS = {
  use: (args: unknown[]) => ((args[3] as { write?: boolean } | undefined)?.write ? 'write' : 'read'),
  register: () => 'register',
  inboxState: () => 'inbox_state',
  revokeAllOtherInstallations: () => 'revoke_installations',
  revokeInstallations: () => 'revoke_installations',
  destroy: () => 'destroy',
} as const;

/**
 * XMTP work of this process: latency of every pool call (activation of the client included, so a cold identity
 * shows up as a slow call) and the pool's live clients, activations and evictions read at scrape time.
 */
export class XmtpMetrics {
  readonly calls: Histogram<'operation' | 'outcome'>;

  constructor(registry: Registry, pool: InstallationPool) {
    const registers = [registry];
    this.calls = new Histogram({
      name: 'xmtp_call_duration_seconds',
      help: 'Duration of XMTP calls through the installation pool (client activation included), by operation and outcome.',
      labelNames: ['operation', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    new Gauge({
      name: 'mailroom_build_info',
      help: 'Always 1; the labels name what this process runs (xmtp_sdk: the @xmtp/node-sdk version, chosen by XMTP_SDK).',
      labelNames: ['xmtp_sdk'],
      registers,
      collect() {
        this.reset();
        this.set({ xmtp_sdk: xmtpSdk().version }, 1);
      },
    });
    const stats = () => pool.stats();
    new Gauge({
      name: 'xmtp_live_clients',
      help: 'XMTP clients open in this process.',
      registers,
      collect() {
        this.set(stats().live);
      },
    });
    new Gauge({
      name: 'xmtp_live_clients_max',
      help: 'Most XMTP clients this process keeps open before evicting idle ones.',
      registers,
      collect() {
        this.set(stats().maxLive);
      },
    });
    new Gauge({
      name: 'xmtp_sqlite_connections',
      help: "SQLite connections open to live clients' databases (each keeps its own page cache; see XMTP_DB_POOL_SIZE). Linux only.",
      registers,
      collect() {
        const open = sqliteConnections();
        if (open) this.set(open.connections);
      },
    });
    new Gauge({
      name: 'xmtp_sqlite_memory_bytes',
      help: "Memory libxmtp's SQLite holds in this process, all clients together (bounded by XMTP_SQLITE_MEMORY_MB). Linux only.",
      registers,
      collect() {
        const memory = sqliteMemory();
        if (memory) this.set(memory.usedBytes);
      },
    });
    new Gauge({
      name: 'xmtp_sqlite_memory_limit_bytes',
      help: "The soft limit on libxmtp's SQLite memory in this process (XMTP_SQLITE_MEMORY_MB; 0: none). Linux only.",
      registers,
      collect() {
        const memory = sqliteMemory();
        if (memory) this.set(memory.softLimitBytes);
      },
    });
    new Gauge({
      name: 'xmtp_activating_clients',
      help: 'XMTP clients being opened right now.',
      registers,
      collect() {
        this.set(stats().activating);
      },
    });
    const totals: Array<[string, string, 'activations' | 'registrations' | 'evictions']> = [
      [
        'xmtp_client_activations_total',
        'Clients opened from their database (Client.build) since start.',
        'activations',
      ],
      ['xmtp_installations_registered_total', 'Installations registered (Client.create) since start.', 'registrations'],
      ['xmtp_client_evictions_total', 'Idle clients closed to stay under the live limit since start.', 'evictions'],
    ];
    for (const [name, help, key] of totals) {
      new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(stats()[key]);
        },
      });
    }
    this.instrument(pool);
  }

  /** Times the pool's public operations on this instance (the pool is per runtime, so per app). */
  private instrument(pool: InstallationPool): void {
    const target = pool as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    for (const [method, operationOf] of Object.entries(TIMED_OPERATIONS)) {
      const original = target[method];
      if (typeof original !== 'function') continue;
      target[method] = async (...args: unknown[]) => {
        const end = this.calls.startTimer({ operation: operationOf(args) });
        try {
          const result = await original.apply(pool, args);
          end({ outcome: 'ok' });
          return result;
        } catch (error) {
          end({ outcome: 'error' });
          throw error;
        }
      };
    }
  }
}
