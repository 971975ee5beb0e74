import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'mr_live_';
const BODY_LENGTH = 43; // 43 base62 characters carry 256 bits
const VISIBLE_LENGTH = API_KEY_PREFIX.length + 8;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KEY_PATTERN = new RegExp(`^${API_KEY_PREFIX}[0-9A-Za-z]{${BODY_LENGTH}}$`);

export interface NewApiKey {
  /** The full key, shown to its creator once. */
  readonly key: string;
  /** The readable start of the key, kept in clear to tell keys apart in lists. */
  readonly prefix: string;
  /** SHA-256 (hex) of the whole key; the only form stored. */
  readonly hash: string;
}

/** Base62 so the key selects with one double-click; rejection sampling keeps every character uniform. */
function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248) out += ALPHABET[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

export function generateApiKey(): NewApiKey {
  const key = API_KEY_PREFIX + randomBase62(BODY_LENGTH);
  return { key, prefix: key.slice(0, VISIBLE_LENGTH), hash: hashApiKey(key) };
}

/** Keys carry 256 random bits, so a fast hash is enough: nobody can brute-force the preimage. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function looksLikeApiKey(credential: string): boolean {
  return credential.startsWith(API_KEY_PREFIX);
}

export function isWellFormedApiKey(credential: string): boolean {
  return KEY_PATTERN.test(credential);
}
