import { open, seal } from './envelope.js';
import { KeyVaultError } from './errors.js';
import { assertPurpose, sealLabel } from './labels.js';

/**
 * One identity's data key, in memory. Everything it seals is bound to its context plus a purpose such as
 * `wallet-key` or `db-key`. Call destroy() when done: the key bytes are zeroed.
 */
export class DataKey {
  #key: Buffer | undefined;

  constructor(
    key: Buffer,
    readonly context: string,
  ) {
    this.#key = key;
  }

  seal(plaintext: Uint8Array, purpose: string): Buffer {
    assertPurpose(purpose);
    return seal(this.#live(), plaintext, sealLabel(this.context, purpose));
  }

  open(sealed: Uint8Array, purpose: string): Buffer {
    assertPurpose(purpose);
    return open(this.#live(), sealed, sealLabel(this.context, purpose));
  }

  get destroyed(): boolean {
    return this.#key === undefined;
  }

  destroy(): void {
    this.#key?.fill(0);
    this.#key = undefined;
  }

  #live(): Buffer {
    if (!this.#key) throw new KeyVaultError('DESTROYED', `the data key of ${this.context} was destroyed`);
    return this.#key;
  }
}
