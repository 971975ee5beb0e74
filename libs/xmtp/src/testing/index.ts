// Real SDK clients for tests: random wallets, temp databases, pointed at a devnet. No mocks.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Client, ClientOptions } from '@xmtp/node-sdk';
import { selectXmtpSdkFromEnv } from '../sdk/xmtp-sdk.js';
import { eoaWallet, type EoaWallet } from '../signer.js';

export interface TestClientsOptions {
  /** Device sync (preferences and consent across installations). Off by default: it adds sync-group traffic. */
  deviceSync?: boolean;
  /** History-sync service for device-sync archives (a devnet's `historyUrl`); default: the SDK's for `local`. */
  historySyncUrl?: string;
  /** Keep client databases in memory instead of encrypted files in a temp dir (cannot be reopened). */
  inMemoryDb?: boolean;
}

export interface TestClient {
  client: Client;
  wallet: EoaWallet;
  inboxId: string;
  installationId: string;
  /** null for an in-memory database. */
  dbPath: string | null;
  dbEncryptionKey: Uint8Array;
}

export interface TestClients {
  clients: TestClient[];
  /** Another client, for a new wallet or as a new installation of an existing one. */
  add(wallet?: EoaWallet, options?: TestClientsOptions): Promise<TestClient>;
  /** A new Client over an existing client's database: the restart path, no new installation. */
  reopen(existing: TestClient): Promise<TestClient>;
  /** Removes the temp databases. */
  cleanup(): Promise<void>;
}

/**
 * Creates `count` clients with random secp256k1 wallets against the node at `apiUrl`.
 * Points the SDK's `local` env at `apiUrl` first, since the SDK's pre-create lookup ignores `apiUrl`.
 */
export async function createTestClients(
  apiUrl: string,
  count: number,
  options: TestClientsOptions = {},
): Promise<TestClients> {
  // XMTP_SDK chooses the SDK of these raw clients too (the second CI pass runs them on SDK 6).
  const { adapter } = await selectXmtpSdkFromEnv();
  adapter.pointAt(apiUrl, 'local');
  const { Client } = adapter.sdk;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mailroom-xmtp-'));
  let counter = 0;

  const clientOptions = (
    dbPath: string | null,
    dbEncryptionKey: Uint8Array,
    deviceSync: boolean,
    historySyncUrl: string | undefined,
  ): Omit<ClientOptions, 'codecs'> => ({
    env: 'local',
    apiUrl,
    dbPath,
    dbEncryptionKey,
    disableDeviceSync: !deviceSync,
    ...(historySyncUrl === undefined ? {} : { historySyncUrl }),
  });

  const describe = (
    client: Client,
    wallet: EoaWallet,
    dbPath: string | null,
    dbEncryptionKey: Uint8Array,
  ): TestClient => ({
    client,
    wallet,
    inboxId: client.inboxId!,
    installationId: client.installationId!,
    dbPath,
    dbEncryptionKey,
  });

  const deviceSyncOf = new WeakMap<TestClient, boolean>();
  const historySyncUrlOf = new WeakMap<TestClient, string | undefined>();

  const add = async (wallet: EoaWallet = eoaWallet(), overrides: TestClientsOptions = {}): Promise<TestClient> => {
    const merged = { ...options, ...overrides };
    const dbPath = merged.inMemoryDb ? null : path.join(dir, `client-${++counter}.db3`);
    const dbEncryptionKey = new Uint8Array(randomBytes(32));
    const client = await Client.create(
      wallet.signer,
      clientOptions(dbPath, dbEncryptionKey, merged.deviceSync ?? false, merged.historySyncUrl),
    );
    const created = describe(client, wallet, dbPath, dbEncryptionKey);
    deviceSyncOf.set(created, merged.deviceSync ?? false);
    historySyncUrlOf.set(created, merged.historySyncUrl);
    return created;
  };

  const reopen = async (existing: TestClient): Promise<TestClient> => {
    if (existing.dbPath === null) throw new Error('an in-memory client database cannot be reopened');
    const deviceSync = deviceSyncOf.get(existing) ?? options.deviceSync ?? false;
    const historySyncUrl = historySyncUrlOf.has(existing) ? historySyncUrlOf.get(existing) : options.historySyncUrl;
    const client = await Client.build(
      existing.wallet.identifier,
      clientOptions(existing.dbPath, existing.dbEncryptionKey, deviceSync, historySyncUrl),
    );
    const reopened = describe(client, existing.wallet, existing.dbPath, existing.dbEncryptionKey);
    deviceSyncOf.set(reopened, deviceSync);
    historySyncUrlOf.set(reopened, historySyncUrl);
    return reopened;
  };

  const clients: TestClient[] = [];
  try {
    // Sequential: parallel creation buys little on 2 cores and makes failures harder to read.
    for (let i = 0; i < count; i++) clients.push(await add());
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    clients,
    add,
    reopen,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export { eoaWallet, type EoaWallet } from '../signer.js';
