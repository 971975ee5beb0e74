import { describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { KeyVaultError } from './errors.js';
import { KeyVault } from './key-vault.js';
import { identityContext } from './labels.js';
import { formatMasterKey, masterKeyId, parseMasterKey } from './master-key.js';

function errorOf(fn: () => unknown): KeyVaultError {
  try {
    fn();
  } catch (error) {
    if (error instanceof KeyVaultError) return error;
    throw error;
  }
  throw new Error('expected a KeyVaultError');
}

describe('KeyVault', () => {
  const master = randomBytes(32);
  const vault = KeyVault.fromMasterKey(master);
  const context = identityContext(randomUUID());

  it('has a stable, non-secret 16-hex key id', () => {
    expect(vault.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(KeyVault.fromMasterKey(Buffer.from(master)).keyId).toBe(vault.keyId);
    expect(masterKeyId(master)).toBe(vault.keyId);
    expect(master.toString('hex')).not.toContain(vault.keyId);
    expect(KeyVault.fromMasterKey(randomBytes(32)).keyId).not.toBe(vault.keyId);
  });

  it('wraps a fresh data key per identity; sealed material opens after unwrapping, only for its purpose', () => {
    const a = vault.createDataKey(context);
    const b = vault.createDataKey(context);
    expect(a.wrapped.equals(b.wrapped)).toBe(false);
    const walletKey = randomBytes(32);
    const sealed = a.dataKey.seal(walletKey, 'wallet-key');
    a.dataKey.destroy();

    const unwrapped = vault.unwrapDataKey(a.wrapped, context);
    expect(unwrapped.open(sealed, 'wallet-key')).toEqual(walletKey);
    expect(errorOf(() => unwrapped.open(sealed, 'db-key')).code).toBe('DECRYPT_FAILED');
    expect(errorOf(() => b.dataKey.open(sealed, 'wallet-key')).code).toBe('DECRYPT_FAILED');
  });

  it('refuses a wrapped key under another master key, another identity, or with flipped bits', () => {
    const { wrapped } = vault.createDataKey(context);
    expect(errorOf(() => KeyVault.fromMasterKey(randomBytes(32)).unwrapDataKey(wrapped, context)).code).toBe(
      'DECRYPT_FAILED',
    );
    expect(errorOf(() => vault.unwrapDataKey(wrapped, identityContext(randomUUID()))).code).toBe('DECRYPT_FAILED');
    const tampered = Buffer.from(wrapped);
    tampered[tampered.length - 1]! ^= 0x80;
    expect(errorOf(() => vault.unwrapDataKey(tampered, context)).code).toBe('DECRYPT_FAILED');
  });

  it('re-wraps a data key under another master key without changing it', () => {
    const target = KeyVault.fromMasterKey(randomBytes(32));
    const { dataKey, wrapped } = vault.createDataKey(context);
    const sealed = dataKey.seal(Buffer.from('db key'), 'db-key');
    const rewrapped = vault.rewrapDataKey(wrapped, context, target);
    expect(target.unwrapDataKey(rewrapped, context).open(sealed, 'db-key').toString()).toBe('db key');
    expect(errorOf(() => vault.unwrapDataKey(rewrapped, context)).code).toBe('DECRYPT_FAILED');
  });

  it('zeroes a destroyed data key and refuses to use it', () => {
    const { dataKey } = vault.createDataKey(context);
    dataKey.destroy();
    expect(dataKey.destroyed).toBe(true);
    expect(errorOf(() => dataKey.seal(Buffer.from('x'), 'wallet-key')).code).toBe('DESTROYED');
  });

  it('opens its own verifier only', () => {
    const verifier = vault.sealVerifier();
    expect(vault.opensVerifier(verifier)).toBe(true);
    expect(KeyVault.fromMasterKey(randomBytes(32)).opensVerifier(verifier)).toBe(false);
  });

  it('rejects labels that would make additional data ambiguous', () => {
    expect(errorOf(() => vault.createDataKey('identity:a|b')).code).toBe('INVALID_LABEL');
    expect(errorOf(() => vault.createDataKey('')).code).toBe('INVALID_LABEL');
    const { dataKey } = vault.createDataKey(context);
    expect(errorOf(() => dataKey.seal(Buffer.from('x'), 'Wallet:key')).code).toBe('INVALID_LABEL');
  });

  it('parses master keys as hex or base64 and formats them as hex', () => {
    const key = randomBytes(32);
    expect(parseMasterKey(key.toString('hex'))).toEqual(key);
    expect(parseMasterKey(key.toString('base64'))).toEqual(key);
    expect(parseMasterKey(`${formatMasterKey(key)}\n`)).toEqual(key);
    expect(errorOf(() => parseMasterKey('00'.repeat(31))).code).toBe('INVALID_KEY');
  });
});
