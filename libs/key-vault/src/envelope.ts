import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { KeyVaultError } from './errors.js';

/**
 * Sealed layout, version 1: `version (1 byte) | nonce (12) | GCM tag (16) | ciphertext`. AES-256-GCM with a random
 * nonce per seal; the additional data is the version byte followed by the UTF-8 context, so a ciphertext opens only
 * in the context it was sealed for and its version byte cannot be swapped.
 */
export const SEALED_VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const SEALED_OVERHEAD = 1 + NONCE_BYTES + TAG_BYTES;
export const KEY_BYTES = 32;

export function seal(key: Uint8Array, plaintext: Uint8Array, context: string): Buffer {
  assertKey(key);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(SEALED_VERSION, context));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.of(SEALED_VERSION), nonce, cipher.getAuthTag(), ciphertext]);
}

export function open(key: Uint8Array, sealed: Uint8Array, context: string): Buffer {
  assertKey(key);
  if (sealed.length < SEALED_OVERHEAD) {
    throw new KeyVaultError(
      'MALFORMED',
      `sealed data is ${sealed.length} bytes, shorter than the ${SEALED_OVERHEAD}-byte header`,
    );
  }
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const version = bytes[0]!;
  if (version !== SEALED_VERSION)
    throw new KeyVaultError(
      'UNSUPPORTED_VERSION',
      `sealed data has layout version ${version}; this build reads version ${SEALED_VERSION}`,
    );
  const nonce = bytes.subarray(1, 1 + NONCE_BYTES);
  const tag = bytes.subarray(1 + NONCE_BYTES, SEALED_OVERHEAD);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(additionalData(version, context));
  decipher.setAuthTag(tag);
  const plaintext = decipher.update(bytes.subarray(SEALED_OVERHEAD));
  try {
    return Buffer.concat([plaintext, decipher.final()]);
  } catch {
    plaintext.fill(0);
    throw new KeyVaultError(
      'DECRYPT_FAILED',
      `cannot open sealed data for "${context}": wrong key, wrong context or tampered bytes`,
    );
  }
}

function additionalData(version: number, context: string): Buffer {
  return Buffer.concat([Buffer.of(version), Buffer.from(context, 'utf8')]);
}

function assertKey(key: Uint8Array): void {
  if (key.length !== KEY_BYTES)
    throw new KeyVaultError('INVALID_KEY', `keys are ${KEY_BYTES} bytes (got ${key.length})`);
}
