import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createBlobStores, type BlobStores, type FilesystemBlobStore } from '@mailroom/blob-storage';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';

/** The operator's blob stores, built from configuration once; the filesystem store keeps files under DATA_DIR/blobs. */
@Injectable()
export class BlobStoresHolder implements OnModuleDestroy {
  readonly stores: BlobStores;

  constructor(@Inject(GATEWAY_RUNTIME) runtime: GatewayRuntime, adapterHost: HttpAdapterHost) {
    const { config } = runtime;
    const publicBaseUrl = () => config.http.publicBaseUrl ?? listeningUrl(adapterHost);
    this.stores = createBlobStores({
      defaultKind: config.attachments.defaultStore,
      fs: { directory: path.join(config.dataDir, 'blobs'), publicBaseUrl },
      s3: config.attachments.s3,
      ipfs: config.attachments.ipfs,
    });
  }

  get filesystem(): FilesystemBlobStore {
    return this.stores.get('fs') as FilesystemBlobStore;
  }

  async onModuleDestroy(): Promise<void> {
    await this.stores.close();
  }
}

/** Without PUBLIC_BASE_URL: the address the server listens on (fine on one machine; set PUBLIC_BASE_URL otherwise). */
function listeningUrl(adapterHost: HttpAdapterHost): string {
  const server = adapterHost.httpAdapter.getHttpServer() as Server;
  const address = server.address() as AddressInfo | null;
  if (!address) throw new Error('the gateway is not listening yet, and PUBLIC_BASE_URL is not set');
  const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}
