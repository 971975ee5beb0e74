import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { KeyVaultError, identityContext, type DataKey } from '@mailroom/key-vault';
import { tenantScope, type Identity } from '@mailroom/persistence';
import {
  databaseFiles,
  IdentityBrokenError,
  IdentityBusyError,
  type IdentityKeys,
  type IdentityRef,
  type InboxStateSummary,
  type RegisteredInstallation,
  type XmtpSession,
} from '@mailroom/xmtp';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { IdentityWriteBudget } from '../../common/rate-limit/index.js';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { IdentityRepository } from './identity.repository.js';

const WALLET_KEY = 'wallet-key';
const DB_KEY = 'db-key';

export interface SealedIdentityKeys {
  wrappedDataKey: Uint8Array<ArrayBuffer>;
  encryptedWalletKey: Uint8Array<ArrayBuffer> | null;
  encryptedDbKey: Uint8Array<ArrayBuffer>;
}

/**
 * Between identity rows and the XMTP installation pool: seals and opens key material with the key vault, turns rows
 * into pool references, and records identities the pool finds broken. Keys are opened only inside a pool call.
 */
@Injectable()
export class IdentityHosting {
  private readonly logger = new Logger('IdentityHosting');

  constructor(
    @Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime,
    private readonly identities: IdentityRepository,
    private readonly budget: IdentityWriteBudget,
  ) {}

  seal(identityId: string, keys: IdentityKeys): SealedIdentityKeys {
    const { dataKey, wrapped } = this.runtime.vault.createDataKey(identityContext(identityId));
    try {
      return {
        wrappedDataKey: new Uint8Array(wrapped),
        encryptedWalletKey: keys.walletPrivateKey
          ? new Uint8Array(dataKey.seal(Buffer.from(keys.walletPrivateKey.slice(2), 'hex'), WALLET_KEY))
          : null,
        encryptedDbKey: new Uint8Array(dataKey.seal(keys.dbEncryptionKey, DB_KEY)),
      };
    } finally {
      dataKey.destroy();
    }
  }

  /** Seals material that belongs to the identity with its data key, bound to the identity and to `purpose`. */
  sealFor(row: Identity, plaintext: Uint8Array, purpose: string): Buffer {
    return this.withDataKey(row, (dataKey) => dataKey.seal(plaintext, purpose));
  }

  /** Opens what sealFor sealed; the caller zeroes the result when done. */
  openFor(row: Identity, sealed: Uint8Array, purpose: string): Buffer {
    return this.withDataKey(row, (dataKey) => dataKey.open(sealed, purpose));
  }

  private withDataKey<T>(row: Identity, work: (dataKey: DataKey) => T): T {
    if (!row.wrappedDataKey) throw new IdentityBrokenError(row.id, 'database_key_rejected', 'its key material is gone');
    const dataKey = this.runtime.vault.unwrapDataKey(row.wrappedDataKey, identityContext(row.id));
    try {
      return work(dataKey);
    } finally {
      dataKey.destroy();
    }
  }

  async register(row: Identity): Promise<RegisteredInstallation> {
    const ref = this.refOf(row);
    await mkdir(path.dirname(ref.dbPath), { recursive: true, mode: 0o700 });
    return this.guard(row, () => this.runtime.pool.register(ref, () => this.open(row)));
  }

  /** Runs `fn` with the identity's live client (activated from its database when needed). */
  async use<T>(
    row: Identity,
    fn: (client: XmtpSession<unknown>) => Promise<T> | T,
    options?: { write?: boolean },
  ): Promise<T> {
    await this.budget.spend(row.id, options?.write ? 'write' : 'read');
    return this.guard(row, () => this.runtime.pool.use(this.refOf(row), () => this.open(row), fn, options));
  }

  inboxState(row: Identity): Promise<InboxStateSummary> {
    return this.guard(row, () => this.runtime.pool.inboxState(this.refOf(row), () => this.open(row)));
  }

  revokeOthers(row: Identity): Promise<string[]> {
    return this.guard(row, () => this.runtime.pool.revokeAllOtherInstallations(this.refOf(row), () => this.open(row)));
  }

  destroy(row: Identity): Promise<void> {
    return this.guard(row, () => this.runtime.pool.destroy(this.refOf(row), () => this.open(row)), {
      markBroken: false,
    });
  }

  /** Where the identity's database lives and the key that opens it (wallet-owned identities build their installation with these). */
  databaseStorage(row: Identity): { dbPath: string; dbEncryptionKey: Uint8Array } {
    return {
      dbPath: path.resolve(this.runtime.config.dataDir, row.dbPath),
      dbEncryptionKey: this.open(row).dbEncryptionKey,
    };
  }

  /** Closes the identity's live client here (if any) and deletes its database files. */
  async forgetDatabase(row: Identity): Promise<void> {
    await this.runtime.pool.release(row.id);
    for (const file of databaseFiles(path.resolve(this.runtime.config.dataDir, row.dbPath)))
      await rm(file, { force: true });
  }

  private refOf(row: Identity): IdentityRef {
    return {
      identityId: row.id,
      address: row.address,
      dbPath: path.resolve(this.runtime.config.dataDir, row.dbPath),
      inboxId: row.inboxId ?? undefined,
      installationId: row.installationId ?? undefined,
    };
  }

  private open(row: Identity): IdentityKeys {
    if (!row.wrappedDataKey || !row.encryptedDbKey) {
      throw new IdentityBrokenError(row.id, 'database_key_rejected', 'its key material is gone');
    }
    let dataKey: DataKey;
    try {
      dataKey = this.runtime.vault.unwrapDataKey(row.wrappedDataKey, identityContext(row.id));
    } catch (error) {
      if (error instanceof KeyVaultError)
        throw new IdentityBrokenError(row.id, 'database_key_rejected', `its sealed keys do not open (${error.code})`);
      throw error;
    }
    try {
      const dbEncryptionKey = new Uint8Array(dataKey.open(row.encryptedDbKey, DB_KEY));
      const wallet = row.encryptedWalletKey ? dataKey.open(row.encryptedWalletKey, WALLET_KEY) : undefined;
      const walletPrivateKey = wallet ? (`0x${wallet.toString('hex')}` as const) : undefined;
      wallet?.fill(0);
      return { dbEncryptionKey, walletPrivateKey };
    } finally {
      dataKey.destroy();
    }
  }

  /** Maps pool failures to domain errors; a broken identity is recorded as such, never re-registered. */
  private async guard<T>(row: Identity, work: () => Promise<T>, options: { markBroken?: boolean } = {}): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof IdentityBusyError) {
        throw new DomainError(
          ErrorCode.ServiceUnavailable,
          `Identity ${row.id} is active on another gateway replica; retry shortly.`,
        );
      }
      if (error instanceof IdentityBrokenError && error.reason === 'database_from_newer_sdk') {
        // Not broken: the database is fine for the newer SDK that migrated it. Refuse here; leave the record as it is.
        this.logger.error({ identityId: row.id, inboxId: row.inboxId }, error.message);
        throw new DomainError(
          ErrorCode.Conflict,
          `Identity ${row.id} refused: ${error.message.replace(/^identity \S+ is broken \(database_from_newer_sdk\): /, '')}.`,
          {
            reason: error.reason,
          },
        );
      }
      if (error instanceof IdentityBrokenError) {
        if (options.markBroken !== false) await this.markBroken(row, `${error.reason}: ${error.message}`);
        throw new DomainError(
          ErrorCode.Conflict,
          `Identity ${row.id} is broken (${error.reason}); it was not re-registered.`,
          {
            reason: error.reason,
          },
        );
      }
      throw error;
    }
  }

  private async markBroken(row: Identity, reason: string): Promise<void> {
    this.logger.error({ identityId: row.id, inboxId: row.inboxId, reason }, 'identity is broken');
    await this.identities.markBroken(tenantScope(row.tenantId), row.id, reason);
  }
}
