import type { Readable } from 'node:stream';

export const BLOB_STORE_KINDS = ['fs', 's3', 'ipfs'] as const;
export type BlobStoreKind = (typeof BLOB_STORE_KINDS)[number];

export interface PutBlobOptions {
  /** Byte length when known in advance (lets a store skip multipart or chunking); omit for unknown length. */
  readonly contentLength?: number;
  /** Defaults to application/octet-stream: stores keep ciphertext. */
  readonly contentType?: string;
}

export interface StoredBlob {
  /** The store's name for the blob: an object key, a file name, or an IPFS CID. */
  readonly key: string;
  /** Where anyone can download it (public or presigned, depending on the store's configuration). */
  readonly url: string;
  /** Bytes stored. */
  readonly size: number;
}

/** Keeps opaque blobs (Mailroom stores only ciphertext) and hands out URLs to them. */
export interface BlobStore {
  readonly kind: BlobStoreKind;
  /** Streams `body` into the store; the body is consumed exactly once and never held whole. */
  put(body: Readable, options?: PutBlobOptions): Promise<StoredBlob>;
  /** The blob's bytes; BlobNotFoundError when there is none. */
  get(key: string): Promise<Readable>;
  /** Removes (or, for IPFS, unpins) the blob; no error when it is already gone. */
  delete(key: string): Promise<void>;
  /** A download URL: public, or presigned with the store's lifetime. */
  url(key: string): Promise<string>;
  close(): Promise<void>;
}

export class BlobNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`no blob ${key}`);
    this.name = 'BlobNotFoundError';
  }
}
