import type { Client } from '@xmtp/node-sdk';
import type { XmtpEnv } from '../sdk/adapter.js';
import type { Hex } from 'viem';

/**
 * Exclusive ownership of an identity across processes (implemented by PgAdvisoryIdentityLocks in
 * @mailroom/persistence; declared here so this library does not depend on the data layer).
 */
export interface IdentityLocks {
  tryAcquire(identityId: string): Promise<boolean>;
  release(identityId: string): Promise<void>;
  onLost(callback: () => void): void;
}

/** What the pool needs to know about a hosted identity (from its database row). */
export interface IdentityRef {
  identityId: string;
  /** The wallet address (the inbox's Ethereum identifier). */
  address: string;
  /** Absolute path of the identity's libxmtp database. */
  dbPath: string;
  /** Known once registered; when set, activation checks the database holds this inbox. */
  inboxId?: string;
  /** Known once registered; when set, activation checks the database holds this installation. */
  installationId?: string;
}

export interface IdentityKeys {
  /** Needed only to register, revoke and destroy. */
  walletPrivateKey?: Hex;
  /** 32 bytes. */
  dbEncryptionKey: Uint8Array;
}

/** Decrypts an identity's keys on demand; the pool calls it only when it must and drops the result right after. */
export type IdentityKeysProvider = () => IdentityKeys | Promise<IdentityKeys>;

/** Minimal pino-compatible logger. */
export interface PoolLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface InstallationBudgetEvent {
  identityId: string;
  inboxId: string;
  installationCount: number;
  installationLimit: number;
}

export interface InstallationPoolOptions {
  env: XmtpEnv;
  /** The node for this env. When given, the pool points the SDK's env at it (see pointSdkAt). */
  apiUrl?: string;
  // The gateway host (decentralized networks) is the process's, set with useXmtpNetwork; every client gets it.
  /** Maximum live clients; least recently used idle clients are closed beyond it. */
  maxLive: number;
  locks: IdentityLocks;
  logger?: PoolLogger;
  /** Called when an inbox reaches `installationWarnAt` installations (after register, and on inboxState). */
  onInstallationBudget?(event: InstallationBudgetEvent): void | Promise<void>;
  /** The network's per-inbox installation limit. Default 10. */
  installationLimit?: number;
  /** Default 8. */
  installationWarnAt?: number;
  /**
   * Device sync (preferences and history across installations). Default off for hosted identities: no sync group
   * traffic and no history-sync server. When on, `historySyncUrl` (or the SDK's default for env) is used.
   */
  deviceSync?: boolean;
  historySyncUrl?: string;
  /** Called just before a live client is closed (eviction, release, shutdown or fencing), e.g. to stop its streams. */
  onDeactivate?(identityId: string, client: Client<unknown>): void;
}

export interface RegisteredInstallation {
  inboxId: string;
  installationId: string;
  installationCount: number;
}

export interface InboxInstallation {
  id: string;
  createdAt?: Date;
}

export interface InboxStateSummary {
  inboxId: string;
  installations: InboxInstallation[];
  /** Lowercase Ethereum addresses (and other identifiers) associated with the inbox. */
  identifiers: Array<{ identifier: string; kind: string }>;
  installationCount: number;
  installationLimit: number;
  /** Entries in the inbox's identity log on the node (the network allows 256); undefined if the node could not be asked. */
  identityUpdateCount?: number;
  identityUpdateLimit: number;
}

export interface PoolStats {
  live: number;
  maxLive: number;
  /** Activations from disk (Client.build) since start. */
  activations: number;
  evictions: number;
  /** Installations registered (Client.create) since start. */
  registrations: number;
  /** Activations in flight. */
  activating: number;
}

export interface UseOptions {
  /** Run in the identity's serialized write queue (libxmtp answers "database is locked" to concurrent writers). */
  write?: boolean;
}
