import { create, type KuboRPCClient } from 'kubo-rpc-client';
import { Readable } from 'node:stream';
import { BlobNotFoundError, type BlobStore, type StoredBlob } from './blob-store.js';
import { ByteCounter } from './counting-stream.js';

export interface IpfsBlobStoreOptions {
  /** Kubo RPC API, e.g. http://127.0.0.1:5001 */
  readonly apiUrl: string;
  /** HTTP gateway that serves `/ipfs/<cid>`, e.g. https://ipfs.example.com */
  readonly gatewayUrl: string;
  /** Per-request timeout of RPC calls, default 60 s. */
  readonly timeoutMs?: number;
}

const CID = /^[A-Za-z0-9]{32,128}$/;

/** Blobs added (and pinned) through the Kubo RPC API; the key is the CID (v1), the URL is on the configured gateway. */
export class IpfsBlobStore implements BlobStore {
  readonly kind = 'ipfs' as const;
  private readonly client: KuboRPCClient;

  constructor(private readonly options: IpfsBlobStoreOptions) {
    this.client = create({ url: options.apiUrl, timeout: options.timeoutMs ?? 60_000 });
  }

  async put(body: Readable): Promise<StoredBlob> {
    // Kubo reports the DAG size (file plus UnixFS overhead); the blob's size is what went in.
    const counter = new ByteCounter();
    body.on('error', (error) => counter.destroy(error));
    const added = await this.client.add(body.pipe(counter), { pin: true, cidVersion: 1 });
    const key = added.cid.toString();
    return { key, url: await this.url(key), size: counter.bytes };
  }

  async get(key: string): Promise<Readable> {
    if (!CID.test(key)) throw new BlobNotFoundError(key);
    return Readable.from(this.client.cat(key));
  }

  async delete(key: string): Promise<void> {
    if (!CID.test(key)) return;
    try {
      await this.client.pin.rm(key);
    } catch (error) {
      if (!/not pinned/i.test(String((error as Error).message))) throw error;
    }
  }

  async url(key: string): Promise<string> {
    return `${this.options.gatewayUrl.replace(/\/+$/, '')}/ipfs/${key}`;
  }

  async close(): Promise<void> {}
}
