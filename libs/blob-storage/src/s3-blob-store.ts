import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Readable } from 'node:stream';
import { BlobNotFoundError, type BlobStore, type PutBlobOptions, type StoredBlob } from './blob-store.js';
import { newBlobKey } from './blob-keys.js';
import { ByteCounter } from './counting-stream.js';

export interface S3BlobStoreOptions {
  /** Absent: AWS S3 for the region. */
  readonly endpoint?: string;
  readonly bucket: string;
  readonly region: string;
  /** Absent: the SDK's default credential chain (environment, instance role, …). */
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  /** `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key` (MinIO, most self-hosted servers). */
  readonly forcePathStyle?: boolean;
  /** When the bucket (or a CDN in front of it) is publicly readable: URLs are `<base>/<key>`, never presigned. */
  readonly publicBaseUrl?: string;
  /** Lifetime of presigned GET URLs when there is no public base URL. */
  readonly presignTtlSeconds: number;
  /** Object key prefix, default `attachments/`. */
  readonly keyPrefix?: string;
}

/** Multipart parts of 5 MiB (S3's minimum), two in flight: about 10 MiB of buffers per upload whatever the file size. */
const PART_SIZE = 5 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;

export class S3BlobStore implements BlobStore {
  readonly kind = 's3' as const;
  readonly client: S3Client;

  constructor(private readonly options: S3BlobStoreOptions) {
    this.client = new S3Client({
      endpoint: options.endpoint,
      region: options.region,
      forcePathStyle: options.forcePathStyle ?? false,
      credentials:
        options.accessKeyId && options.secretAccessKey
          ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey }
          : undefined,
      // Checksums only where S3 demands them: the default (a trailing CRC32 with aws-chunked bodies) is not
      // understood by several S3-compatible servers, which then store the chunk framing with the object.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(body: Readable, options: PutBlobOptions = {}): Promise<StoredBlob> {
    const key = `${this.options.keyPrefix ?? 'attachments/'}${newBlobKey()}`;
    const counter = new ByteCounter();
    body.on('error', (error) => counter.destroy(error));
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.options.bucket,
        Key: key,
        Body: body.pipe(counter),
        ContentType: options.contentType ?? 'application/octet-stream',
        ...(options.contentLength !== undefined ? { ContentLength: options.contentLength } : {}),
      },
      partSize: PART_SIZE,
      queueSize: PARTS_IN_FLIGHT,
      leavePartsOnError: false,
    });
    await upload.done();
    return { key, url: await this.url(key), size: counter.bytes };
  }

  async get(key: string): Promise<Readable> {
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return answer.Body as Readable;
    } catch (error) {
      if (
        error instanceof NoSuchKey ||
        (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404)
      ) {
        throw new BlobNotFoundError(key);
      }
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: key }));
  }

  async url(key: string): Promise<string> {
    const base = this.options.publicBaseUrl?.replace(/\/+$/, '');
    if (base) return `${base}/${key.split('/').map(encodeURIComponent).join('/')}`;
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.options.bucket, Key: key }), {
      expiresIn: this.options.presignTtlSeconds,
    });
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
