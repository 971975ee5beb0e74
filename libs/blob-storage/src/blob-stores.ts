import type { BlobStore, BlobStoreKind } from './blob-store.js';
import { FilesystemBlobStore, type FilesystemBlobStoreOptions } from './filesystem-blob-store.js';
import { IpfsBlobStore, type IpfsBlobStoreOptions } from './ipfs-blob-store.js';
import { S3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.js';

export interface BlobStoresOptions {
  /** Absent: s3 when configured, else ipfs when configured, else fs. */
  readonly defaultKind?: BlobStoreKind;
  readonly fs: FilesystemBlobStoreOptions;
  readonly s3?: S3BlobStoreOptions;
  readonly ipfs?: IpfsBlobStoreOptions;
}

export class BlobStoreNotConfiguredError extends Error {
  constructor(readonly kind: string) {
    super(`blob store ${kind} is not configured`);
    this.name = 'BlobStoreNotConfiguredError';
  }
}

/** The stores the operator configured (the filesystem store always exists) and the default among them. */
export class BlobStores {
  readonly defaultKind: BlobStoreKind;
  private readonly stores = new Map<BlobStoreKind, BlobStore>();

  constructor(stores: readonly BlobStore[], defaultKind: BlobStoreKind) {
    for (const store of stores) this.stores.set(store.kind, store);
    if (!this.stores.has(defaultKind)) throw new BlobStoreNotConfiguredError(defaultKind);
    this.defaultKind = defaultKind;
  }

  get kinds(): BlobStoreKind[] {
    return [...this.stores.keys()];
  }

  has(kind: string): kind is BlobStoreKind {
    return this.stores.has(kind as BlobStoreKind);
  }

  /** The store of that kind, or the default one; BlobStoreNotConfiguredError for a kind the operator did not set up. */
  get(kind: string = this.defaultKind): BlobStore {
    const store = this.stores.get(kind as BlobStoreKind);
    if (!store) throw new BlobStoreNotConfiguredError(kind);
    return store;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.stores.values()].map((store) => store.close()));
  }
}

export function createBlobStores(options: BlobStoresOptions): BlobStores {
  const stores: BlobStore[] = [new FilesystemBlobStore(options.fs)];
  if (options.s3) stores.push(new S3BlobStore(options.s3));
  if (options.ipfs) stores.push(new IpfsBlobStore(options.ipfs));
  const defaultKind = options.defaultKind ?? (options.s3 ? 's3' : options.ipfs ? 'ipfs' : 'fs');
  return new BlobStores(stores, defaultKind);
}
