import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobNotFoundError, type BlobStore, type StoredBlob } from './blob-store.js';
import { isBlobKey, newBlobKey } from './blob-keys.js';
import { ByteCounter } from './counting-stream.js';

export interface FilesystemBlobStoreOptions {
  readonly directory: string;
  /**
   * The absolute base URL under which the host application serves this directory at `/blobs/:key`
   * (a function: the gateway may only know its address once it listens).
   */
  readonly publicBaseUrl: () => string;
}

/** Embedded mode: blobs are files in one directory, served by the gateway itself. */
export class FilesystemBlobStore implements BlobStore {
  readonly kind = 'fs' as const;
  private ready: Promise<unknown> | undefined;

  constructor(private readonly options: FilesystemBlobStoreOptions) {}

  private ensureDirectory(): Promise<unknown> {
    return (this.ready ??= mkdir(this.options.directory, { recursive: true }));
  }

  private pathOf(key: string): string {
    if (!isBlobKey(key)) throw new BlobNotFoundError(key);
    return path.join(this.options.directory, key);
  }

  async put(body: Readable): Promise<StoredBlob> {
    await this.ensureDirectory();
    const key = newBlobKey();
    const final = this.pathOf(key);
    // Written under a name the public route never serves, then renamed: readers never see half a blob.
    const partial = path.join(this.options.directory, `.partial-${key}`);
    const counter = new ByteCounter();
    try {
      await pipeline(body, counter, createWriteStream(partial, { flags: 'wx' }));
      await rename(partial, final);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    return { key, url: await this.url(key), size: counter.bytes };
  }

  async get(key: string): Promise<Readable> {
    const file = this.pathOf(key);
    try {
      await stat(file);
    } catch {
      throw new BlobNotFoundError(key);
    }
    return createReadStream(file);
  }

  /** The blob's size, for a Content-Length; BlobNotFoundError when there is none. */
  async size(key: string): Promise<number> {
    try {
      return (await stat(this.pathOf(key))).size;
    } catch {
      throw new BlobNotFoundError(key);
    }
  }

  async delete(key: string): Promise<void> {
    if (!isBlobKey(key)) return;
    await rm(this.pathOf(key), { force: true });
  }

  async url(key: string): Promise<string> {
    return `${this.options.publicBaseUrl().replace(/\/+$/, '')}/blobs/${key}`;
  }

  async close(): Promise<void> {}
}
