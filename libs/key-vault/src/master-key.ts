import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { KEY_BYTES } from './envelope.js';
import { KeyVaultError } from './errors.js';

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/]{43}=$/;

/** A 32-byte master key from its text form: 64 hex characters or standard base64. */
export function parseMasterKey(text: string): Buffer {
  const value = text.trim();
  if (HEX_KEY.test(value)) return Buffer.from(value, 'hex');
  if (BASE64_KEY.test(value)) return Buffer.from(value, 'base64');
  throw new KeyVaultError('INVALID_KEY', 'a master key must be 32 bytes as 64 hex characters or base64');
}

/** The text form written to master key files (hex). */
export function formatMasterKey(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('hex');
}

export function generateMasterKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** A non-secret fingerprint of a master key, safe for logs, errors and the database. */
export function masterKeyId(masterKey: Uint8Array): string {
  return createHmac('sha256', masterKey).update('mailroom key id').digest('hex').slice(0, 16);
}

/** The key that actually wraps data keys, derived so that it never equals the key the fingerprint is taken from. */
export function deriveWrappingKey(masterKey: Uint8Array): Buffer {
  if (masterKey.length !== KEY_BYTES)
    throw new KeyVaultError('INVALID_KEY', `a master key is ${KEY_BYTES} bytes (got ${masterKey.length})`);
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'mailroom master key wrapping v1', KEY_BYTES));
}
