import { KeyVaultError } from './errors.js';
import type { KeyVault } from './key-vault.js';
import { generateMasterKey, masterKeyId, parseMasterKey } from './master-key.js';
import { MasterKeyFiles } from './master-key-files.js';
import { finishInterruptedRotation } from './pending-rotation.js';
import { openKeyVault, type MasterKeyCheckStore } from './verification.js';

export interface StartKeyVaultOptions {
  /** GATEWAY_MASTER_KEY as configured (hex or base64); absent: the key file under `dataDir`. */
  readonly configuredKey?: string;
  readonly dataDir: string;
  /** Production never generates a key. */
  readonly production: boolean;
  readonly checkStore: MasterKeyCheckStore;
  readonly log: { info(message: string): void; warn(message: string): void };
}

/**
 * The gateway's start-up path: takes the configured master key, or in embedded mode DATA_DIR/master.key (finishing
 * an interrupted rotation first, generating the file on the very first start), and opens the vault only if the key
 * matches the database. Throws a KeyVaultError with a one-line message otherwise.
 */
export async function startKeyVault(options: StartKeyVaultOptions): Promise<KeyVault> {
  const { checkStore, log } = options;
  if (options.configuredKey) return open(parseMasterKey(options.configuredKey), 'GATEWAY_MASTER_KEY', options);
  if (options.production)
    throw new KeyVaultError('MASTER_KEY_MISSING', 'GATEWAY_MASTER_KEY is required when NODE_ENV=production');

  const files = new MasterKeyFiles(options.dataDir);
  const interrupted = await finishInterruptedRotation(files, checkStore);
  if (interrupted.state === 'promoted')
    log.warn(
      `finished an interrupted master key rotation: ${files.current} now holds master key id ${interrupted.keyId}`,
    );
  if (interrupted.state === 'uncommitted')
    log.warn(`${files.pending} is left from a master key rotation that never committed; it is ignored`);

  const existing = await files.readCurrent();
  if (existing) return open(existing, files.current, options);

  const check = await checkStore.read();
  const wrapped = check ? null : await checkStore.findWrappedDataKey();
  if (check || wrapped) {
    const expected = check ? `master key id ${check.keyId}` : 'a master key';
    throw new KeyVaultError(
      'MASTER_KEY_MISSING',
      `${files.current} is missing, but this database was set up with ${expected}; restore the file from your backup or set GATEWAY_MASTER_KEY. Nothing was changed.`,
    );
  }
  const generated = generateMasterKey();
  if (!(await files.createCurrent(generated))) {
    generated.fill(0);
    return open((await files.readCurrent())!, files.current, options);
  }
  log.warn(
    `GATEWAY_MASTER_KEY is not set: generated a new master key (id ${masterKeyId(generated)}) in ${files.current}. ` +
      'BACK UP THIS FILE NOW: without it no hosted identity can ever be opened again. Set GATEWAY_MASTER_KEY in production.',
  );
  return open(generated, files.current, options);
}

async function open(masterKey: Buffer, keySource: string, options: StartKeyVaultOptions): Promise<KeyVault> {
  try {
    const { vault, initialized } = await openKeyVault({ masterKey, checkStore: options.checkStore, keySource });
    options.log.info(
      initialized ? `master key id ${vault.keyId} recorded in the database` : `master key id ${vault.keyId} verified`,
    );
    return vault;
  } finally {
    masterKey.fill(0);
  }
}
