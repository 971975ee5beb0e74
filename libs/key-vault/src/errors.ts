export type KeyVaultErrorCode =
  /** The key is not 32 bytes of hex or base64. */
  | 'INVALID_KEY'
  /** A context or purpose label has characters outside the allowed set. */
  | 'INVALID_LABEL'
  /** The bytes are too short or not in the sealed layout. */
  | 'MALFORMED'
  /** The layout version byte is one this build cannot read. */
  | 'UNSUPPORTED_VERSION'
  /** Authentication failed: wrong key, wrong context or tampered bytes. */
  | 'DECRYPT_FAILED'
  /** The data key was destroyed and cannot be used any more. */
  | 'DESTROYED'
  /** The master key is not the one the database was set up with. */
  | 'MASTER_KEY_MISMATCH'
  /** The master key file is missing while the database expects a key. */
  | 'MASTER_KEY_MISSING'
  /** A rotation cannot run now (no check row, a gateway holds the lease, same key twice…). */
  | 'ROTATION_REFUSED';

/** Every failure of the vault, with a stable code; messages never contain key material. */
export class KeyVaultError extends Error {
  override readonly name = 'KeyVaultError';

  constructor(
    readonly code: KeyVaultErrorCode,
    message: string,
  ) {
    super(message);
  }
}
