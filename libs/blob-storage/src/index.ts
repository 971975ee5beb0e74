export {
  BLOB_STORE_KINDS,
  BlobNotFoundError,
  type BlobStore,
  type BlobStoreKind,
  type PutBlobOptions,
  type StoredBlob,
} from './blob-store.js';
export { BlobStores, BlobStoreNotConfiguredError, createBlobStores, type BlobStoresOptions } from './blob-stores.js';
export { FilesystemBlobStore, type FilesystemBlobStoreOptions } from './filesystem-blob-store.js';
export { S3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.js';
export { IpfsBlobStore, type IpfsBlobStoreOptions } from './ipfs-blob-store.js';
export { isBlobKey, newBlobKey } from './blob-keys.js';
export { ByteCounter } from './counting-stream.js';
