import { KeyVaultError } from './errors.js';
import { KeyVault } from './key-vault.js';

/** The stored proof of which master key wrapped the data keys (table `master_key_check`, one row). */
export interface MasterKeyCheck {
  readonly keyId: string;
  readonly verifier: Uint8Array;
}

export interface MasterKeyCheckStore {
  read(): Promise<MasterKeyCheck | null>;
  /** Inserts the row unless one exists (another process may win the race); never overwrites. */
  insertIfAbsent(check: MasterKeyCheck): Promise<void>;
  /** Any one stored wrapped data key, so a key can be checked against data that predates the check row. */
  findWrappedDataKey(): Promise<{ context: string; wrapped: Uint8Array } | null>;
}

export interface OpenKeyVaultOptions {
  readonly masterKey: Uint8Array;
  readonly checkStore: MasterKeyCheckStore;
  /** Where the key came from, named in errors (e.g. "GATEWAY_MASTER_KEY" or a file path). */
  readonly keySource?: string;
}

export interface OpenedKeyVault {
  readonly vault: KeyVault;
  /** True when this start wrote the check row: the database had never seen a master key. */
  readonly initialized: boolean;
}

/**
 * Opens the vault only if `masterKey` is the key the database was set up with; on the first start it records the
 * key's verifier. A mismatch throws MASTER_KEY_MISMATCH before anything is written.
 */
export async function openKeyVault(options: OpenKeyVaultOptions): Promise<OpenedKeyVault> {
  const vault = KeyVault.fromMasterKey(options.masterKey);
  const source = options.keySource ?? 'the given master key';
  try {
    let check = await options.checkStore.read();
    let initialized = false;
    if (!check) {
      await assertOpensExistingDataKey(vault, options.checkStore, source);
      await options.checkStore.insertIfAbsent({ keyId: vault.keyId, verifier: vault.sealVerifier() });
      check = await options.checkStore.read();
      if (!check) throw new Error('the master_key_check row was not written');
      initialized = check.keyId === vault.keyId && vault.opensVerifier(check.verifier);
    }
    assertMatches(vault, check, source);
    return { vault, initialized };
  } catch (error) {
    vault.destroy();
    throw error;
  }
}

export function mismatchError(expectedKeyId: string, givenKeyId: string, source: string): KeyVaultError {
  return new KeyVaultError(
    'MASTER_KEY_MISMATCH',
    `master key mismatch: this database was set up with master key id ${expectedKeyId}, but ${source} has key id ${givenKeyId}; ` +
      'start with the original master key (or change it with npm run keys:rotate). Nothing was changed.',
  );
}

function assertMatches(vault: KeyVault, check: MasterKeyCheck, source: string): void {
  if (vault.opensVerifier(check.verifier)) return;
  if (check.keyId === vault.keyId) {
    throw new KeyVaultError(
      'MASTER_KEY_MISMATCH',
      `the master key check row for key id ${check.keyId} does not open with ${source}, which has that same key id: the row is damaged. Nothing was changed.`,
    );
  }
  throw mismatchError(check.keyId, vault.keyId, source);
}

async function assertOpensExistingDataKey(vault: KeyVault, store: MasterKeyCheckStore, source: string): Promise<void> {
  const existing = await store.findWrappedDataKey();
  if (!existing) return;
  try {
    vault.unwrapDataKey(existing.wrapped, existing.context).destroy();
  } catch (error) {
    if (!(error instanceof KeyVaultError) || error.code !== 'DECRYPT_FAILED') throw error;
    throw new KeyVaultError(
      'MASTER_KEY_MISMATCH',
      `master key mismatch: this database has no master key check yet, but the data key of ${existing.context} does not open with ${source} (key id ${vault.keyId}); start with the original master key. Nothing was changed.`,
    );
  }
}
