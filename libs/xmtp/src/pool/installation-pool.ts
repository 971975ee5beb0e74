import { IdentifierKind, type Client, type ClientOptions } from '@xmtp/node-sdk';
import { hexToBytes } from 'viem';
import { disposableEoaSigner, ethereumIdentifier } from '../identity/disposable-signer.js';
import { fetchIdentityUpdateCount, IDENTITY_UPDATES_LIMIT } from '../sdk/sdk5-internals.js';
import { xmtpSdk } from '../sdk/xmtp-sdk.js';
import { assertSdkCanOpen, databaseExists, deleteDatabaseFiles, recordSdkOpened } from './database-files.js';
import { IdentityBrokenError, IdentityBusyError, IdentityLockLostError, PoolClosedError } from './errors.js';
import { KeyedSerialQueue } from './keyed-serial-queue.js';
import type {
  IdentityKeys,
  IdentityKeysProvider,
  IdentityRef,
  InboxStateSummary,
  InstallationPoolOptions,
  PoolStats,
  RegisteredInstallation,
  UseOptions,
} from './types.js';

type SdkClient = Client<unknown>;

interface LiveClient {
  identityId: string;
  client: SdkClient;
  /** Callers currently inside use(); a pinned client is never evicted. */
  pins: number;
  idleWaiters: Array<() => void>;
  /** Closed by fencing (lock lost) while callers may still hold it. */
  fenced: boolean;
}

interface Activation {
  promise: Promise<LiveClient>;
  /** Callers waiting for it; the new entry starts pinned once per waiter, so it cannot be evicted before they run. */
  waiters: number;
}

const KEY_REJECTED = /PRAGMA key or salt has incorrect value|file is not a database|file is encrypted/i;
/** libxmtp's answer when the database belongs to another inbox than the identifier it is opened for. */
const OTHER_INBOX = /does not match the stored InboxId/i;

/**
 * The live set of hosted identities' XMTP clients in this process. Activates a client from its existing encrypted
 * database (`Client.build`, never a new installation), keeps at most `maxLive` of them (least recently used idle
 * clients are closed), serializes each identity's writes, and opens a database only while holding the identity's
 * cross-process lock. `register` is the only path that may create an installation.
 */
export class InstallationPool {
  readonly #options: InstallationPoolOptions;
  readonly #installationLimit: number;
  readonly #installationWarnAt: number;
  /** Insertion order is recency: the first entry is the least recently used. */
  readonly #live = new Map<string, LiveClient>();
  readonly #activating = new Map<string, Activation>();
  readonly #closing = new Map<string, Promise<void>>();
  readonly #writes = new KeyedSerialQueue();
  #lockEpoch = 0;
  #activations = 0;
  #registrations = 0;
  readonly #destroying = new Set<string>();
  #evictions = 0;
  #closed = false;

  constructor(options: InstallationPoolOptions) {
    if (!Number.isInteger(options.maxLive) || options.maxLive < 1)
      throw new Error(`maxLive must be a positive integer, got ${options.maxLive}`);
    this.#options = options;
    this.#installationLimit = options.installationLimit ?? 10;
    this.#installationWarnAt = options.installationWarnAt ?? 8;
    if (options.apiUrl) xmtpSdk().pointAt(options.apiUrl, options.env);
    options.locks.onLost(() => this.#fence());
  }

  /**
   * Creates the identity's installation with its wallet key (`Client.create`), or resumes one whose creation was
   * interrupted: the same key and database file give back the same installation. The client stays live.
   * Refuses (IdentityBrokenError) when the record already names an installation but its database is gone or does
   * not open with the key, rather than registering a replacement.
   */
  async register(ref: IdentityRef, keys: IdentityKeysProvider): Promise<RegisteredInstallation> {
    this.#assertOpen();
    let entry = this.#live.get(ref.identityId);
    if (!entry) {
      await this.#closing.get(ref.identityId);
      entry = await this.#track(ref.identityId, 'create', () => this.#create(ref, keys));
    } else {
      const mismatch = this.#mismatch(ref, entry.client);
      if (mismatch)
        throw new IdentityBrokenError(ref.identityId, 'installation_mismatch', `live client has ${mismatch}`);
      entry.pins++;
    }
    try {
      const { client } = entry;
      const state = await client.preferences.fetchInboxState();
      await this.#checkBudget(ref.identityId, client.inboxId, state.installations.length);
      return {
        inboxId: client.inboxId,
        installationId: client.installationId,
        installationCount: state.installations.length,
      };
    } finally {
      this.#unpin(entry);
    }
  }

  /**
   * Runs `fn` with the identity's live client, activating it from disk if needed. Concurrent callers of one identity
   * share one activation; `{ write: true }` callers of one identity run one at a time.
   * @throws IdentityBusyError another process holds the identity
   * @throws IdentityBrokenError the database is missing, does not open with the key, or holds another installation
   */
  async use<T>(
    ref: IdentityRef,
    keys: IdentityKeysProvider,
    fn: (client: SdkClient) => Promise<T> | T,
    options: UseOptions = {},
  ): Promise<T> {
    this.#assertOpen();
    const entry = await this.#acquire(ref, keys);
    try {
      if (options.write) return await this.#writes.run(ref.identityId, async () => fn(this.#stillLive(entry)));
      return await fn(entry.client);
    } finally {
      this.#unpin(entry);
    }
  }

  /** The inbox's state on the network. Needs no live client and no keys, so it works for busy and broken identities too. */
  async inboxState(ref: IdentityRef, _keys?: IdentityKeysProvider): Promise<InboxStateSummary> {
    const inboxId = await this.#inboxIdOf(ref);
    const [state] = await xmtpSdk().fetchInboxStates([inboxId], this.#options.env);
    if (!state) throw new Error(`inbox ${inboxId} not found on the network`);
    let identityUpdateCount: number | undefined;
    try {
      // Asks the node's v3 identity API: a decentralized network without an explicit node has none to ask.
      const apiUrl = this.#apiUrl();
      if (apiUrl) identityUpdateCount = await fetchIdentityUpdateCount(apiUrl, inboxId);
    } catch (error) {
      this.#options.logger?.warn(
        { err: error, identityId: ref.identityId, inboxId },
        'could not count identity updates',
      );
    }
    const installations = state.installations.map((installation) => ({
      id: installation.id,
      createdAt:
        installation.clientTimestampNs === undefined
          ? undefined
          : new Date(Number(installation.clientTimestampNs / 1_000_000n)),
    }));
    await this.#checkBudget(ref.identityId, inboxId, installations.length);
    return {
      inboxId,
      installations,
      identifiers: state.identifiers.map((id) => ({
        identifier: id.identifier,
        kind: id.identifierKind === IdentifierKind.Passkey ? 'passkey' : 'ethereum',
      })),
      installationCount: installations.length,
      installationLimit: this.#installationLimit,
      identityUpdateCount,
      identityUpdateLimit: IDENTITY_UPDATES_LIMIT,
    };
  }

  /**
   * Revokes other installations of the identity's inbox with the wallet key, statically (no live client needed, so it
   * works even when the inbox is at its installation limit). Refuses to revoke the identity's own installation: use destroy.
   */
  async revokeInstallations(ref: IdentityRef, keys: IdentityKeysProvider, installationIds: string[]): Promise<void> {
    const own = ref.installationId ?? this.#live.get(ref.identityId)?.client.installationId;
    if (own && installationIds.includes(own))
      throw new Error(`refusing to revoke identity ${ref.identityId}'s own installation; use destroy()`);
    if (installationIds.length === 0) return;
    await this.#revokeStatically(ref, keys, installationIds);
  }

  /** Revokes every installation of the inbox except the identity's own; returns the revoked ids. */
  async revokeAllOtherInstallations(ref: IdentityRef, keys: IdentityKeysProvider): Promise<string[]> {
    const own = ref.installationId ?? this.#live.get(ref.identityId)?.client.installationId;
    if (!own) throw new Error(`identity ${ref.identityId} has no known installation id`);
    const state = await this.inboxState(ref);
    const others = state.installations.map((i) => i.id).filter((id) => id !== own);
    if (others.length > 0) await this.#revokeStatically(ref, keys, others);
    return others;
  }

  /**
   * Revokes the identity's installation on the network (wallet key, static call), closes its client and deletes its
   * database files. Idempotent: an already revoked installation or missing file is fine.
   * @throws IdentityBusyError another process holds the identity
   */
  async destroy(ref: IdentityRef, keys: IdentityKeysProvider): Promise<void> {
    this.#assertOpen();
    const id = ref.identityId;
    if (this.#destroying.has(id)) throw new IdentityBusyError(id);
    this.#destroying.add(id);
    let locked = false;
    try {
      let installationId = ref.installationId ?? this.#live.get(id)?.client.installationId;
      await this.#activating.get(id)?.promise.catch(() => undefined);
      await this.release(id);
      if (!(await this.#options.locks.tryAcquire(id))) throw new IdentityBusyError(id);
      locked = true;
      if (!installationId && (await databaseExists(ref.dbPath))) {
        installationId = await this.#readInstallationId(ref, keys);
      }
      if (installationId) {
        const inboxId = await this.#inboxIdOf(ref).catch(() => undefined);
        if (inboxId) {
          const [state] = await xmtpSdk().fetchInboxStates([inboxId], this.#options.env);
          if (state?.installations.some((i) => i.id === installationId))
            await this.#revokeStatically({ ...ref, inboxId }, keys, [installationId]);
        }
      }
      await deleteDatabaseFiles(ref.dbPath);
      this.#options.logger?.info(
        { identityId: id, installationId },
        'identity installation revoked and database deleted',
      );
    } finally {
      if (locked) await this.#options.locks.release(id);
      this.#destroying.delete(id);
    }
  }

  /** Closes the identity's client (after its running callers finish) and releases its lock. */
  async release(identityId: string): Promise<void> {
    const entry = this.#live.get(identityId);
    if (entry) this.#retire(entry);
    await this.#closing.get(identityId);
  }

  /** Clean shutdown: waits for in-flight activations and callers, closes every client, releases every lock. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#activating.values()].map((a) => a.promise));
    for (const entry of [...this.#live.values()]) this.#retire(entry);
    await Promise.allSettled([...this.#closing.values()]);
  }

  stats(): PoolStats {
    return {
      live: this.#live.size,
      maxLive: this.#options.maxLive,
      activations: this.#activations,
      registrations: this.#registrations,
      evictions: this.#evictions,
      activating: this.#activating.size,
    };
  }

  /** Whether the identity has a live client in this process. */
  isLive(identityId: string): boolean {
    return this.#live.has(identityId);
  }

  // ---- activation ----

  async #acquire(ref: IdentityRef, keys: IdentityKeysProvider): Promise<LiveClient> {
    const id = ref.identityId;
    if (this.#destroying.has(id)) throw new IdentityBusyError(id);
    const live = this.#live.get(id);
    if (live) {
      this.#touch(live);
      live.pins++;
      return live;
    }
    let activation = this.#activating.get(id);
    if (!activation) {
      activation = this.#startActivation(id, 'build', () => this.#build(ref, keys));
    }
    activation.waiters++;
    return activation.promise;
  }

  /** Runs an open (build or create) under the activation bookkeeping and returns the entry pinned once for the caller. */
  async #track(identityId: string, kind: 'build' | 'create', open: () => Promise<SdkClient>): Promise<LiveClient> {
    const activation = this.#startActivation(identityId, kind, open);
    activation.waiters++;
    return activation.promise;
  }

  #startActivation(identityId: string, kind: 'build' | 'create', open: () => Promise<SdkClient>): Activation {
    const activation: Activation = { waiters: 0, promise: undefined as unknown as Promise<LiveClient> };
    activation.promise = (async () => {
      await this.#closing.get(identityId);
      const epoch = this.#lockEpoch;
      const client = await open();
      if (epoch !== this.#lockEpoch || this.#closed) {
        // Fenced or shut down while opening: the lock may be gone, or held on a new session; either way let it go.
        this.#closeNow(identityId, client);
        await this.#options.locks.release(identityId);
        throw this.#closed ? new PoolClosedError() : new IdentityLockLostError(identityId);
      }
      const entry: LiveClient = { identityId, client, pins: activation.waiters, idleWaiters: [], fenced: false };
      this.#live.set(identityId, entry);
      if (kind === 'build') this.#activations++;
      else this.#registrations++;
      this.#evictOverflow();
      return entry;
    })().finally(() => this.#activating.delete(identityId));
    this.#activating.set(identityId, activation);
    return activation;
  }

  /** Client.build from the existing database, under the identity's lock. Never creates an installation. */
  async #build(ref: IdentityRef, keys: IdentityKeysProvider): Promise<SdkClient> {
    const id = ref.identityId;
    return this.#underLock(id, async () => {
      if (!(await databaseExists(ref.dbPath))) throw new IdentityBrokenError(id, 'database_missing', ref.dbPath);
      const started = performance.now();
      const client = await this.#openDatabase(ref, await keys(), (options) =>
        xmtpSdk().sdk.Client.build(ethereumIdentifier(ref.address), options),
      );
      if (!client.isRegistered) {
        this.#closeNow(id, client);
        throw new IdentityBrokenError(id, 'installation_not_registered', client.installationId);
      }
      this.#check(ref, client);
      this.#options.logger?.debug(
        { identityId: id, ms: Math.round(performance.now() - started) },
        'identity activated',
      );
      return client;
    });
  }

  /** Client.create with the wallet key: a new installation, or the one already in the database file. */
  async #create(ref: IdentityRef, keys: IdentityKeysProvider): Promise<SdkClient> {
    const id = ref.identityId;
    return this.#underLock(id, async () => {
      if (ref.installationId && !(await databaseExists(ref.dbPath))) {
        throw new IdentityBrokenError(
          id,
          'database_missing',
          `installation ${ref.installationId} was registered but ${ref.dbPath} is gone`,
        );
      }
      const secrets = await keys();
      if (!secrets.walletPrivateKey) throw new Error(`registering identity ${id} needs its wallet key`);
      const wallet = disposableEoaSigner(secrets.walletPrivateKey);
      try {
        if (wallet.address !== ref.address.toLowerCase())
          throw new Error(`wallet key of identity ${id} does not match its address`);
        const client = await this.#openDatabase(ref, secrets, (options) =>
          xmtpSdk().sdk.Client.create(wallet.signer, options),
        );
        this.#check(ref, client);
        this.#options.logger?.info(
          { identityId: id, inboxId: client.inboxId, installationId: client.installationId },
          'identity installation registered',
        );
        return client;
      } finally {
        wallet.dispose();
      }
    });
  }

  async #openDatabase(
    ref: IdentityRef,
    secrets: IdentityKeys,
    open: (options: ClientOptions) => Promise<SdkClient>,
  ): Promise<SdkClient> {
    const sdk = xmtpSdk();
    await assertSdkCanOpen(ref.identityId, ref.dbPath, sdk.major, sdk.version);
    try {
      const client = await open(this.#clientOptions(ref.dbPath, secrets.dbEncryptionKey));
      await recordSdkOpened(ref.dbPath, sdk.major, sdk.version);
      return client;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (KEY_REJECTED.test(message)) throw new IdentityBrokenError(ref.identityId, 'database_key_rejected', message);
      if (OTHER_INBOX.test(message)) throw new IdentityBrokenError(ref.identityId, 'installation_mismatch', message);
      throw error;
    }
  }

  /** Runs `open` holding the identity's lock; releases it if `open` fails. */
  async #underLock(identityId: string, open: () => Promise<SdkClient>): Promise<SdkClient> {
    if (!(await this.#options.locks.tryAcquire(identityId))) throw new IdentityBusyError(identityId);
    try {
      return await open();
    } catch (error) {
      await this.#options.locks.release(identityId);
      if (error instanceof IdentityBrokenError)
        this.#options.logger?.error({ identityId, reason: error.reason }, error.message);
      throw error;
    }
  }

  #mismatch(ref: IdentityRef, client: SdkClient): string | undefined {
    if (ref.installationId && client.installationId !== ref.installationId)
      return `installation ${client.installationId}, expected ${ref.installationId}`;
    if (ref.inboxId && client.inboxId !== ref.inboxId) return `inbox ${client.inboxId}, expected ${ref.inboxId}`;
    return undefined;
  }

  /** The database must hold the installation and inbox the identity record names; closes the client if not. */
  #check(ref: IdentityRef, client: SdkClient): void {
    const mismatch = this.#mismatch(ref, client);
    if (mismatch) {
      this.#closeNow(ref.identityId, client);
      throw new IdentityBrokenError(ref.identityId, 'installation_mismatch', `database holds ${mismatch}`);
    }
  }

  #clientOptions(dbPath: string, dbEncryptionKey: Uint8Array): ClientOptions {
    const deviceSync = this.#options.deviceSync ?? false;
    return {
      ...xmtpSdk().clientNetworkOptions(this.#options.env, this.#options.apiUrl),
      dbPath,
      dbEncryptionKey,
      disableDeviceSync: !deviceSync,
      // Without device sync nothing needs the history-sync server; null keeps the SDK from using its default.
      historySyncUrl: deviceSync ? this.#options.historySyncUrl : null,
    };
  }

  // ---- live set ----

  #touch(entry: LiveClient): void {
    this.#live.delete(entry.identityId);
    this.#live.set(entry.identityId, entry);
  }

  #unpin(entry: LiveClient): void {
    entry.pins--;
    if (entry.pins > 0) return;
    for (const wake of entry.idleWaiters.splice(0)) wake();
    this.#evictOverflow();
  }

  #stillLive(entry: LiveClient): SdkClient {
    if (entry.fenced) throw new IdentityLockLostError(entry.identityId);
    return entry.client;
  }

  #evictOverflow(): void {
    if (this.#live.size <= this.#options.maxLive) return;
    for (const entry of this.#live.values()) {
      if (this.#live.size <= this.#options.maxLive) return;
      if (entry.pins > 0) continue;
      this.#evictions++;
      this.#retire(entry);
    }
  }

  /** Takes the entry out of the live set now; closes its client once its callers are done, then releases the lock. */
  #retire(entry: LiveClient): void {
    const id = entry.identityId;
    if (this.#live.get(id) !== entry) return;
    this.#live.delete(id);
    const previous = this.#closing.get(id);
    const closing = (async () => {
      await previous;
      if (entry.pins > 0) await new Promise<void>((resolve) => entry.idleWaiters.push(resolve));
      this.#closeNow(id, entry.client);
      await this.#options.locks.release(id);
    })().finally(() => {
      if (this.#closing.get(id) === closing) this.#closing.delete(id);
    });
    this.#closing.set(id, closing);
  }

  #closeNow(identityId: string, client: SdkClient): void {
    try {
      this.#options.onDeactivate?.(identityId, client);
    } catch (error) {
      this.#options.logger?.warn({ err: error, identityId }, 'onDeactivate failed');
    }
    try {
      xmtpSdk().closeClientDatabase(client);
    } catch (error) {
      this.#options.logger?.warn({ err: error, identityId }, 'closing client database failed');
    }
  }

  /** Every lock is gone (the lock session died): close every client at once, without waiting for callers. */
  #fence(): void {
    this.#lockEpoch++;
    const fenced = [...this.#live.values()];
    this.#live.clear();
    for (const entry of fenced) {
      entry.fenced = true;
      this.#closeNow(entry.identityId, entry.client);
    }
    if (fenced.length > 0)
      this.#options.logger?.error({ clients: fenced.length }, 'identity locks lost: closed every live client');
  }

  // ---- network helpers ----

  async #revokeStatically(ref: IdentityRef, keys: IdentityKeysProvider, installationIds: string[]): Promise<void> {
    const inboxId = await this.#inboxIdOf(ref);
    const secrets = await keys();
    if (!secrets.walletPrivateKey)
      throw new Error(`revoking installations of identity ${ref.identityId} needs its wallet key`);
    const wallet = disposableEoaSigner(secrets.walletPrivateKey);
    try {
      await xmtpSdk().revokeInstallations(
        wallet.signer,
        inboxId,
        installationIds.map((id) => hexToBytes(`0x${id}`)),
        this.#options.env,
      );
    } finally {
      wallet.dispose();
    }
    this.#options.logger?.info({ identityId: ref.identityId, inboxId, installationIds }, 'installations revoked');
  }

  /** Opens the database once (under the lock the caller holds) just to read which installation it holds. */
  async #readInstallationId(ref: IdentityRef, keys: IdentityKeysProvider): Promise<string | undefined> {
    const client = await this.#openDatabase(ref, await keys(), (options) =>
      xmtpSdk().sdk.Client.build(ethereumIdentifier(ref.address), options),
    );
    const installationId = client.isRegistered ? client.installationId : undefined;
    this.#closeNow(ref.identityId, client);
    return installationId;
  }

  async #inboxIdOf(ref: IdentityRef): Promise<string> {
    const inboxId =
      ref.inboxId ??
      this.#live.get(ref.identityId)?.client.inboxId ??
      (await xmtpSdk().getInboxIdForIdentifier(ethereumIdentifier(ref.address), this.#options.env));
    if (!inboxId) throw new Error(`identity ${ref.identityId} has no inbox on the network`);
    return inboxId;
  }

  #apiUrl(): string | undefined {
    return this.#options.apiUrl ?? xmtpSdk().endpoints(this.#options.env).apiUrl;
  }

  async #checkBudget(identityId: string, inboxId: string, installationCount: number): Promise<void> {
    if (installationCount < this.#installationWarnAt) return;
    const event = { identityId, inboxId, installationCount, installationLimit: this.#installationLimit };
    this.#options.logger?.warn(event, `inbox has ${installationCount} of ${this.#installationLimit} installations`);
    try {
      await this.#options.onInstallationBudget?.(event);
    } catch (error) {
      this.#options.logger?.error({ err: error, identityId }, 'onInstallationBudget failed');
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new PoolClosedError();
  }
}
