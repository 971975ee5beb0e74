import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { SEALED_OVERHEAD, SEALED_VERSION, open, seal } from './envelope.js';
import { KeyVaultError } from './errors.js';

const key = randomBytes(32);
const plaintext = Buffer.from('0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318', 'utf8');

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof KeyVaultError) return error.code;
    throw error;
  }
  return undefined;
}

describe('AES-256-GCM envelope', () => {
  it('round-trips and uses the versioned layout version | nonce | tag | ciphertext', () => {
    const sealed = seal(key, plaintext, 'identity:a:wallet-key');
    expect(sealed[0]).toBe(SEALED_VERSION);
    expect(sealed.length).toBe(SEALED_OVERHEAD + plaintext.length);
    expect(sealed.includes(plaintext)).toBe(false);
    expect(open(key, sealed, 'identity:a:wallet-key')).toEqual(plaintext);
  });

  it('refuses another context, another key, and any flipped bit', () => {
    const sealed = seal(key, plaintext, 'identity:a:wallet-key');
    expect(codeOf(() => open(key, sealed, 'identity:b:wallet-key'))).toBe('DECRYPT_FAILED');
    expect(codeOf(() => open(key, sealed, 'identity:a:db-key'))).toBe('DECRYPT_FAILED');
    expect(codeOf(() => open(randomBytes(32), sealed, 'identity:a:wallet-key'))).toBe('DECRYPT_FAILED');
    for (let i = 1; i < sealed.length; i++) {
      const tampered = Buffer.from(sealed);
      tampered[i]! ^= 0x01;
      expect(codeOf(() => open(key, tampered, 'identity:a:wallet-key'))).toBe('DECRYPT_FAILED');
    }
  });

  it('rejects unknown versions, truncated input and keys of the wrong size with typed errors', () => {
    const sealed = seal(key, plaintext, 'c');
    const otherVersion = Buffer.from(sealed);
    otherVersion[0] = 2;
    expect(codeOf(() => open(key, otherVersion, 'c'))).toBe('UNSUPPORTED_VERSION');
    expect(codeOf(() => open(key, sealed.subarray(0, SEALED_OVERHEAD - 1), 'c'))).toBe('MALFORMED');
    expect(codeOf(() => open(key, sealed.subarray(0, SEALED_OVERHEAD), 'c'))).toBe('DECRYPT_FAILED');
    expect(codeOf(() => seal(randomBytes(16), plaintext, 'c'))).toBe('INVALID_KEY');
  });

  it('draws a fresh nonce for every seal', () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 10_000; i++) nonces.add(seal(key, plaintext, 'c').subarray(1, 13).toString('hex'));
    expect(nonces.size).toBe(10_000);
  });

  it('opens sealed bytes handed back as a Uint8Array view (as Prisma returns bytea)', () => {
    const sealed = seal(key, plaintext, 'c');
    const backing = new Uint8Array(sealed.length + 8);
    backing.set(sealed, 8);
    expect(open(key, backing.subarray(8), 'c')).toEqual(plaintext);
  });
});
