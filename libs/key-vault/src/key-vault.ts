import { randomBytes } from 'node:crypto';
import { DataKey } from './data-key.js';
import { KEY_BYTES, open, seal } from './envelope.js';
import { KeyVaultError } from './errors.js';
import { VERIFIER_LABEL, assertContext, wrapLabel } from './labels.js';
import { deriveWrappingKey, masterKeyId } from './master-key.js';

const VERIFIER_PLAINTEXT = Buffer.from('mailroom master key check v1', 'utf8');

/**
 * Envelope encryption under one master key: every identity gets a fresh random data key, stored only wrapped
 * (sealed) by the master key. The master key itself is not kept; only a key derived from it for wrapping.
 */
export class KeyVault {
  /** Non-secret fingerprint of the master key. */
  readonly keyId: string;
  #wrappingKey: Buffer | undefined;

  private constructor(masterKey: Uint8Array) {
    this.#wrappingKey = deriveWrappingKey(masterKey);
    this.keyId = masterKeyId(masterKey);
  }

  /** The caller keeps ownership of `masterKey` (and may zero it afterwards). */
  static fromMasterKey(masterKey: Uint8Array): KeyVault {
    return new KeyVault(masterKey);
  }

  createDataKey(context: string): { dataKey: DataKey; wrapped: Buffer } {
    assertContext(context);
    const key = randomBytes(KEY_BYTES);
    return { dataKey: new DataKey(key, context), wrapped: seal(this.#live(), key, wrapLabel(context)) };
  }

  unwrapDataKey(wrapped: Uint8Array, context: string): DataKey {
    return new DataKey(this.#unwrap(wrapped, context), context);
  }

  /** Re-wraps a data key of this vault under `target`'s master key, without the data key leaving this call. */
  rewrapDataKey(wrapped: Uint8Array, context: string, target: KeyVault): Buffer {
    const key = this.#unwrap(wrapped, context);
    try {
      return seal(target.#live(), key, wrapLabel(context));
    } finally {
      key.fill(0);
    }
  }

  /** A fixed plaintext sealed by this master key: stored once, it proves later that a key is the same one. */
  sealVerifier(): Buffer {
    return seal(this.#live(), VERIFIER_PLAINTEXT, VERIFIER_LABEL);
  }

  opensVerifier(verifier: Uint8Array): boolean {
    try {
      return open(this.#live(), verifier, VERIFIER_LABEL).equals(VERIFIER_PLAINTEXT);
    } catch (error) {
      if (error instanceof KeyVaultError && error.code !== 'DESTROYED') return false;
      throw error;
    }
  }

  /** Zeroes the wrapping key; data keys already unwrapped stay usable until destroyed themselves. */
  destroy(): void {
    this.#wrappingKey?.fill(0);
    this.#wrappingKey = undefined;
  }

  #unwrap(wrapped: Uint8Array, context: string): Buffer {
    assertContext(context);
    const key = open(this.#live(), wrapped, wrapLabel(context));
    if (key.length !== KEY_BYTES) {
      key.fill(0);
      throw new KeyVaultError('MALFORMED', `the wrapped data key of ${context} is not ${KEY_BYTES} bytes`);
    }
    return key;
  }

  #live(): Buffer {
    if (!this.#wrappingKey) throw new KeyVaultError('DESTROYED', `the key vault ${this.keyId} was destroyed`);
    return this.#wrappingKey;
  }
}
