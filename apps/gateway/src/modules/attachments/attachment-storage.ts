import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { BlobStore, BlobStoreKind, StoredBlob } from '@mailroom/blob-storage';
import { AttachmentEncryptor, type SealedAttachment } from '@mailroom/xmtp';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import type { TenantAttachmentLimits } from './attachment-limits.js';
import { BlobStoresHolder } from './blob-stores.provider.js';
import { sanitizeFilename } from './filename.js';
import { isMimeTypeAllowed, normalizeMimeType } from './mime-policy.js';

/** One uploaded file as the transport hands it over: a stream read once. */
export interface IncomingFile {
  readonly filename: string | undefined;
  readonly mimeType: string | undefined;
  readonly stream: Readable;
}

/** The files of one request, in order; `discardRest` consumes whatever is left (so an early answer reaches the client). */
export interface IncomingFiles extends AsyncIterable<IncomingFile> {
  discardRest(): Promise<void>;
}

/** A file encrypted and stored: what a remote attachment message needs, plus what the rows record. */
export interface StoredAttachment {
  readonly store: BlobStoreKind;
  readonly blob: StoredBlob;
  readonly filename: string;
  readonly contentType: string;
  /** Plaintext bytes. */
  readonly size: number;
  readonly sealed: SealedAttachment;
}

interface SpooledFile {
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  readonly path: string;
}

/**
 * Counts bytes and passes at most `limit` of them on. It never fails the stream: the part is read to its end (the
 * parser truncates it just past the limit) so the rest of the request can still be read and the answer delivered.
 */
class SizeLimit extends Transform {
  bytes = 0;
  constructor(private readonly limit: number) {
    super();
  }
  get exceeded(): boolean {
    return this.bytes > this.limit;
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const room = this.limit - this.bytes;
    this.bytes += chunk.length;
    if (room >= chunk.length) callback(null, chunk);
    else callback(null, room > 0 ? chunk.subarray(0, room) : undefined);
  }
}

/**
 * Turns incoming files into stored ciphertext: each is spooled to disk (never held in memory) under the tenant's MIME
 * policy and limits, then encrypted with XMTP's remote attachment scheme on its way to the tenant's blob store.
 * All or nothing: when one file fails, the blobs already stored are deleted.
 */
@Injectable()
export class AttachmentStorage {
  private readonly log = new Logger('Attachments');
  readonly spoolRoot: string;

  constructor(
    private readonly stores: BlobStoresHolder,
    @Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime,
  ) {
    this.spoolRoot = path.join(runtime.config.dataDir, 'tmp', 'attachments');
  }

  async storeAll(files: IncomingFiles, limits: TenantAttachmentLimits): Promise<StoredAttachment[]> {
    const spool = await this.newSpoolDirectory();
    const stored: StoredAttachment[] = [];
    const store = this.stores.stores.get(limits.store);
    try {
      const spooled = await this.spoolAll(files, spool, limits.maxBytes, limits.maxFiles);
      for (const file of spooled) stored.push(await this.encryptAndStore(store, file));
      return stored;
    } catch (error) {
      await this.removeAll(stored);
      throw error;
    } finally {
      await rm(spool, { recursive: true, force: true });
    }
  }

  /** Deletes the blobs (best effort: a blob left behind is ciphertext nobody holds the key to). */
  async removeAll(
    stored: readonly { readonly store: BlobStoreKind; readonly blob: { readonly key: string } }[],
  ): Promise<void> {
    await Promise.allSettled(stored.map(async ({ store, blob }) => this.stores.stores.get(store).delete(blob.key)));
  }

  async newSpoolDirectory(): Promise<string> {
    await mkdir(this.spoolRoot, { recursive: true });
    return mkdtemp(path.join(this.spoolRoot, 'up-'));
  }

  /** Writes every part to its own file, enforcing the MIME policy, the per-file size limit and the file count. */
  private async spoolAll(
    files: IncomingFiles,
    directory: string,
    maxBytes: number,
    maxFiles: number,
  ): Promise<SpooledFile[]> {
    const { mimeAllow, mimeDeny } = this.runtime.config.attachments;
    const spooled: SpooledFile[] = [];
    try {
      for await (const part of files) {
        if (spooled.length >= maxFiles) {
          part.stream.resume();
          throw new DomainError(ErrorCode.PayloadTooLarge, `At most ${maxFiles} files may be sent in one message.`);
        }
        const contentType = normalizeMimeType(part.mimeType);
        if (!isMimeTypeAllowed(contentType, mimeAllow, mimeDeny)) {
          part.stream.resume();
          throw new DomainError(ErrorCode.UnsupportedMediaType, `Attachments of type ${contentType} are not accepted.`);
        }
        const file = path.join(directory, `${spooled.length}-${randomBytes(6).toString('hex')}`);
        const limit = new SizeLimit(maxBytes);
        await pipeline(part.stream, limit, createWriteStream(file));
        if (limit.exceeded) {
          throw new DomainError(ErrorCode.PayloadTooLarge, `Each attachment may be at most ${maxBytes} bytes.`, {
            maxBytes,
          });
        }
        spooled.push({ filename: sanitizeFilename(part.filename), contentType, size: limit.bytes, path: file });
      }
    } catch (error) {
      await files.discardRest().catch(() => undefined);
      throw error;
    }
    if (spooled.length === 0) {
      throw new DomainError(ErrorCode.ValidationFailed, 'Send at least one file as a multipart part named "file".', {
        errors: [{ field: 'file', message: 'is required' }],
      });
    }
    return spooled;
  }

  private async encryptAndStore(store: BlobStore, file: SpooledFile): Promise<StoredAttachment> {
    const encryptor = new AttachmentEncryptor({ filename: file.filename, mimeType: file.contentType }, file.size);
    const source = createReadStream(file.path);
    source.on('error', (error) => encryptor.destroy(error));
    try {
      const blob = await store.put(source.pipe(encryptor), { contentLength: encryptor.ciphertextLength });
      return {
        store: store.kind,
        blob,
        filename: file.filename,
        contentType: file.contentType,
        size: file.size,
        sealed: encryptor.sealed(),
      };
    } catch (error) {
      this.log.warn(`storing an attachment in ${store.kind} failed: ${(error as Error).message}`);
      throw new DomainError(ErrorCode.BadGateway, `The ${store.kind} blob store did not accept the attachment.`);
    }
  }
}
