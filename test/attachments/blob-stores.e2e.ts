import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { BlobNotFoundError, createBlobStores, type BlobStore, type BlobStores } from '@mailroom/blob-storage';
import { startTestS3Server, type TestS3Server } from '../support/s3-server.js';
import { startTestIpfsServer, type TestIpfsServer } from '../support/ipfs-server.js';

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** A stream of `bytes` in small chunks and without a known length, like an upload. */
const streamOf = (bytes: Buffer) =>
  Readable.from(
    (function* () {
      for (let i = 0; i < bytes.length; i += 64 * 1024) yield bytes.subarray(i, i + 64 * 1024);
    })(),
  );

describe('blob stores against real servers (s3rver, helia Kubo-RPC shim, filesystem)', () => {
  let s3: TestS3Server;
  let ipfs: TestIpfsServer;
  let fsDir: string;
  let stores: BlobStores;

  beforeAll(async () => {
    [s3, ipfs] = await Promise.all([startTestS3Server(), startTestIpfsServer()]);
    fsDir = await mkdtemp(path.join(os.tmpdir(), 'mailroom-blobs-'));
    stores = createBlobStores({
      fs: { directory: fsDir, publicBaseUrl: () => 'http://gateway.test' },
      s3: {
        endpoint: s3.endpoint,
        bucket: s3.bucket,
        region: 'us-east-1',
        accessKeyId: 'S3RVER',
        secretAccessKey: 'S3RVER',
        forcePathStyle: true,
        presignTtlSeconds: 300,
      },
      ipfs: { apiUrl: ipfs.url, gatewayUrl: ipfs.url },
    });
  }, 60_000);

  afterAll(async () => {
    await stores?.close();
    await Promise.all([s3?.close(), ipfs?.close(), rm(fsDir, { recursive: true, force: true })]);
  });

  it('defaults to S3 when S3 is configured, and knows all three', () => {
    expect(stores.defaultKind).toBe('s3');
    expect(stores.kinds.sort()).toEqual(['fs', 'ipfs', 's3']);
  });

  describe.each(['s3', 'ipfs', 'fs'] as const)('%s', (kind) => {
    let store: BlobStore;
    beforeAll(() => {
      store = stores.get(kind);
    });

    it.each([0, 1, 6 * 1024 * 1024 + 3])(
      'round-trips %i bytes of unknown length through put/get',
      async (size) => {
        const bytes = randomBytes(size);
        const stored = await store.put(streamOf(bytes));
        expect(stored.size).toBe(size);
        expect((await bytesOf(await store.get(stored.key))).equals(bytes)).toBe(true);
      },
      60_000,
    );

    it('hands out a URL that serves the bytes (except fs, whose URL the gateway serves)', async () => {
      const bytes = randomBytes(1000);
      const stored = await store.put(streamOf(bytes), { contentLength: bytes.length });
      if (kind === 'fs') {
        expect(stored.url).toBe(`http://gateway.test/blobs/${stored.key}`);
        return;
      }
      const answer = await fetch(stored.url);
      expect(answer.status).toBe(200);
      expect(Buffer.from(await answer.arrayBuffer()).equals(bytes)).toBe(true);
    });

    it('deletes (or unpins) without error, twice', async () => {
      const stored = await store.put(streamOf(randomBytes(10)));
      await store.delete(stored.key);
      await store.delete(stored.key);
      if (kind !== 'ipfs') await expect(store.get(stored.key).then(bytesOf)).rejects.toBeInstanceOf(BlobNotFoundError);
    });
  });

  it('leaves no partial file when the upload stream fails', async () => {
    const failing = new Readable({
      read() {
        this.push(randomBytes(1000));
        this.destroy(new Error('client went away'));
      },
    });
    await expect(stores.get('fs').put(failing)).rejects.toThrow('client went away');
    const left = (await readdir(fsDir)).filter((name) => name.startsWith('.partial-'));
    expect(left).toEqual([]);
  });

  it('refuses keys that could escape the directory', async () => {
    await expect(stores.get('fs').get('../../etc/passwd')).rejects.toBeInstanceOf(BlobNotFoundError);
  });
});
