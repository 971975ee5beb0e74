export { DataKey } from './data-key.js';
export { SEALED_OVERHEAD, SEALED_VERSION, open, seal } from './envelope.js';
export { KeyVaultError, type KeyVaultErrorCode } from './errors.js';
export { KeyVault } from './key-vault.js';
export { identityContext } from './labels.js';
export { MASTER_KEY_LOCK, holdMasterKeyLease, type MasterKeyLease } from './lease.js';
export { formatMasterKey, generateMasterKey, masterKeyId, parseMasterKey } from './master-key.js';
export { MASTER_KEY_FILE, MasterKeyFiles, PENDING_MASTER_KEY_FILE } from './master-key-files.js';
export { finishInterruptedRotation, type InterruptedRotation } from './pending-rotation.js';
export { PrismaMasterKeyCheckStore } from './prisma-check-store.js';
export { rotateMasterKey, type RotateMasterKeyOptions, type RotationResult } from './rotation.js';
export { startKeyVault, type StartKeyVaultOptions } from './start.js';
export {
  openKeyVault,
  type MasterKeyCheck,
  type MasterKeyCheckStore,
  type OpenKeyVaultOptions,
  type OpenedKeyVault,
} from './verification.js';
export { ROTATE_CRASH_ENV, ROTATE_USAGE, runKeysRotate, type RotateCommandIo } from './rotate-command.js';
