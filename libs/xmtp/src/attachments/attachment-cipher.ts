// XMTP's remote attachment scheme: a random 32-byte secret, HKDF-SHA256 (random 32-byte salt, empty info) to an
// AES-256-GCM key, a random 12-byte nonce, payload = ciphertext || 16-byte tag, digest = hex SHA-256 of the payload.
// The SDK's encryptAttachment/decryptAttachment implement it over whole buffers; these transforms implement the
// same scheme over streams so that a file never has to sit in memory.
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
  type Hash,
} from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { encodedAttachmentHeader, type AttachmentMetadata } from './encoded-attachment.js';

const SECRET_BYTES = 32;
const SALT_BYTES = 32;
const NONCE_BYTES = 12;
export const AUTH_TAG_BYTES = 16;

/** The key material a remote attachment message carries. */
export interface AttachmentKeys {
  readonly secret: Uint8Array;
  readonly salt: Uint8Array;
  readonly nonce: Uint8Array;
}

/** What a finished encryption produced besides the ciphertext. */
export interface SealedAttachment extends AttachmentKeys {
  /** Hex SHA-256 of the ciphertext (tag included). */
  readonly contentDigest: string;
  /** Ciphertext length in bytes (tag included). */
  readonly contentLength: number;
}

function aesKey(keys: AttachmentKeys): Buffer {
  return Buffer.from(hkdfSync('sha256', keys.secret, keys.salt, Buffer.alloc(0), 32));
}

/**
 * Encrypts one file as an XMTP encoded attachment: write the `size` file bytes in, read the ciphertext out. The
 * ciphertext length is known before the first byte (`ciphertextLength`); `sealed()` is ready after the end.
 */
export class AttachmentEncryptor extends Transform {
  readonly keys: AttachmentKeys;
  readonly ciphertextLength: number;
  private readonly cipher;
  private readonly hash: Hash = createHash('sha256');
  private header: Buffer | undefined;
  private received = 0;
  private result: SealedAttachment | undefined;

  constructor(
    metadata: AttachmentMetadata,
    private readonly size: number,
  ) {
    super();
    this.keys = { secret: randomBytes(SECRET_BYTES), salt: randomBytes(SALT_BYTES), nonce: randomBytes(NONCE_BYTES) };
    this.header = encodedAttachmentHeader(metadata, size);
    this.ciphertextLength = this.header.length + size + AUTH_TAG_BYTES;
    this.cipher = createCipheriv('aes-256-gcm', aesKey(this.keys), this.keys.nonce);
  }

  private output(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.hash.update(bytes);
    this.push(bytes);
  }

  private flushHeader(): void {
    if (!this.header) return;
    this.output(this.cipher.update(this.header));
    this.header = undefined;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.received += chunk.length;
    if (this.received > this.size) {
      callback(new Error(`attachment is longer than the declared ${this.size} bytes`));
      return;
    }
    this.flushHeader();
    this.output(this.cipher.update(chunk));
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.received !== this.size) {
      callback(new Error(`attachment ended after ${this.received} of the declared ${this.size} bytes`));
      return;
    }
    this.flushHeader();
    this.output(this.cipher.final());
    this.output(this.cipher.getAuthTag());
    this.result = { ...this.keys, contentDigest: this.hash.digest('hex'), contentLength: this.ciphertextLength };
    callback();
  }

  /** The digest and key material; throws before the stream has ended. */
  sealed(): SealedAttachment {
    if (!this.result) throw new Error('the attachment is not fully encrypted yet');
    return this.result;
  }
}

export type AttachmentIntegrityFailure = 'digest_mismatch' | 'length_mismatch' | 'authentication_failed' | 'too_large';

/** The ciphertext is not what the message promised (or not decryptable with its keys). */
export class AttachmentIntegrityError extends Error {
  constructor(
    readonly reason: AttachmentIntegrityFailure,
    message: string,
  ) {
    super(message);
    this.name = 'AttachmentIntegrityError';
  }
}

export interface DecryptOptions extends AttachmentKeys {
  readonly contentDigest: string;
  /** Expected ciphertext length, when the message states one. */
  readonly contentLength?: number;
  /** Refuse ciphertext longer than this many bytes. */
  readonly maxBytes?: number;
}

/**
 * Decrypts a remote attachment's ciphertext: write the ciphertext in, read the decrypted encoded attachment out.
 * The digest and the GCM tag can only be checked at the end, so the output is unverified until the stream ends
 * without an AttachmentIntegrityError: write it somewhere private (a temporary file) and release it only then.
 */
export class AttachmentDecryptor extends Transform {
  private readonly decipher;
  private readonly hash: Hash = createHash('sha256');
  private tail = Buffer.alloc(0);
  private received = 0;

  constructor(private readonly options: DecryptOptions) {
    super();
    if (
      options.salt.length !== SALT_BYTES ||
      options.nonce.length !== NONCE_BYTES ||
      options.secret.length !== SECRET_BYTES
    ) {
      throw new AttachmentIntegrityError(
        'authentication_failed',
        'remote attachment key material has the wrong length',
      );
    }
    this.decipher = createDecipheriv('aes-256-gcm', aesKey(options), options.nonce);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.received += chunk.length;
    if (this.options.maxBytes !== undefined && this.received > this.options.maxBytes) {
      callback(
        new AttachmentIntegrityError('too_large', `remote attachment is larger than ${this.options.maxBytes} bytes`),
      );
      return;
    }
    this.hash.update(chunk);
    const joined = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk;
    const cut = Math.max(0, joined.length - AUTH_TAG_BYTES);
    this.tail = Buffer.from(joined.subarray(cut));
    if (cut > 0) {
      const plain = this.decipher.update(joined.subarray(0, cut));
      if (plain.length) this.push(plain);
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    const digest = this.hash.digest();
    const expected = Buffer.from(this.options.contentDigest, 'hex');
    if (expected.length !== digest.length || !timingSafeEqual(expected, digest)) {
      callback(
        new AttachmentIntegrityError('digest_mismatch', 'remote attachment digest does not match its ciphertext'),
      );
      return;
    }
    if (
      this.options.contentLength !== undefined &&
      this.options.contentLength > 0 &&
      this.options.contentLength !== this.received
    ) {
      callback(
        new AttachmentIntegrityError(
          'length_mismatch',
          `remote attachment is ${this.received} bytes, the message says ${this.options.contentLength}`,
        ),
      );
      return;
    }
    if (this.tail.length < AUTH_TAG_BYTES) {
      callback(
        new AttachmentIntegrityError('authentication_failed', 'remote attachment ciphertext is shorter than its tag'),
      );
      return;
    }
    try {
      this.decipher.setAuthTag(this.tail);
      const rest = this.decipher.final();
      if (rest.length) this.push(rest);
      callback();
    } catch {
      callback(
        new AttachmentIntegrityError('authentication_failed', 'remote attachment does not decrypt with its keys'),
      );
    }
  }
}
