import type { GatewayConfig } from '@mailroom/config';
import type { EventBus } from '@mailroom/events';
import type { Redis } from 'ioredis';
import type { KeyVault } from '@mailroom/key-vault';
import type { InstallationPool } from '@mailroom/xmtp';
import type { PgAdvisoryIdentityLocks, PrismaClient } from '@mailroom/persistence';

/** A dependency whose failure makes the gateway not ready; `check` throws with a short reason. */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
  /**
   * False for a dependency the gateway can partly serve without: reported (and listed as `degraded`) but it does not
   * turn readiness to 503, so an outage of the XMTP network does not take every replica out of the load balancer.
   */
  readonly gating?: boolean;
}

/**
 * Everything the Nest application needs that lives outside it: resolved once at start (embedded services
 * started, migrations applied) and stopped after the application has drained.
 */
export interface GatewayRuntime {
  readonly config: GatewayConfig;
  readonly database: { readonly url: string; readonly embedded: boolean };
  readonly prisma: PrismaClient;
  readonly eventBus: EventBus;
  /** A plain Redis connection (rate limits, coordination) when REDIS_URL is set. */
  readonly redis?: Redis;
  readonly xmtp: {
    readonly env: GatewayConfig['xmtp']['env'];
    /** The node the clients use; absent on a decentralized network without XMTP_API_URL. */
    readonly apiUrl?: string;
    /** The operator's XMTP Gateway Service (XMTP_GATEWAY_HOST). */
    readonly gatewayHost?: string;
    readonly inProcessDevnet: boolean;
  };
  readonly readinessChecks: readonly ReadinessCheck[];
  /** Signs admin and identity JWTs (configured, or generated once under DATA_DIR in embedded mode). */
  readonly jwtSecret: string;
  /** Wraps and unwraps identity data keys; verified against the database's master key check at start. */
  readonly vault: KeyVault;
  /** Live XMTP clients of hosted identities, at most one process per identity. */
  readonly pool: InstallationPool;
  /** This process's identity locks (one Postgres session); named after the replica's internal URL once it listens. */
  readonly locks: PgAdvisoryIdentityLocks;
  /** Where other replicas reach this one; set once the server listens. */
  readonly replica: {
    url?: string;
    /** Opaque name of this replica for public answers (`X-Mailroom-Replica`): its internal URL stays internal. */
    id?: string;
  };
}

export const GATEWAY_RUNTIME = Symbol('GATEWAY_RUNTIME');
export const EVENT_BUS = Symbol('EVENT_BUS');
