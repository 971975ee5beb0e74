import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createInflate } from 'node:zlib';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { BlobStore, StoredBlob } from '@mailroom/blob-storage';
import { PrismaClient, type TenantScope } from '@mailroom/persistence';
import {
  AttachmentDecryptor,
  AttachmentEncryptor,
  AttachmentIntegrityError,
  EncodedAttachmentError,
  presentDecodedMessage,
  readEncodedAttachmentLayout,
  remoteAttachmentsIn,
  sendRemoteAttachments,
  type MessageView,
  type UploadedAttachment,
} from '@mailroom/xmtp';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { OutboundRefusedError } from '../../common/outbound/index.js';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { ConversationAccess } from '../conversations/conversation-access.js';
import { assertMember } from '../conversations/conversations.service.js';
import { xmtpCall } from '../conversations/xmtp-errors.js';
import { AttachmentLimits } from './attachment-limits.js';
import { BlobStoresHolder } from './blob-stores.provider.js';
import { sanitizeFilename } from './filename.js';
import { isMimeTypeAllowed, normalizeMimeType } from './mime-policy.js';
import { RemoteAttachmentFetcher, RemoteFetchError } from './remote-attachment-fetcher.js';
import { UsageCounters } from '../usage/usage-counters.service.js';

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

export interface SentAttachmentView {
  filename: string;
  contentType: string;
  size: number;
  url: string;
  digest: string;
}

export interface SendAttachmentsResult {
  message: MessageView;
  attachments: SentAttachmentView[];
}

export interface DownloadedAttachment {
  filename: string;
  contentType: string;
  /** Bytes of the file; absent when the sender compressed it (the length is known only after inflating). */
  size?: number;
  stream: Readable;
}

interface SpooledFile {
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  readonly path: string;
}

/** Envelope overhead allowed on top of the file size when fetching ciphertext (header, parameters, tag). */
const ENVELOPE_ALLOWANCE_BYTES = 64 * 1024;

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
 * Encrypted remote attachments: uploads are spooled to disk (never held in memory), encrypted on the way to the
 * tenant's blob store with XMTP's remote attachment scheme, and announced in one message; received attachments are
 * fetched, verified against their digest and tag, decrypted to disk and only then released.
 */
@Injectable()
export class AttachmentsService {
  private readonly log = new Logger('Attachments');
  private readonly spoolRoot: string;

  constructor(
    private readonly access: ConversationAccess,
    private readonly limits: AttachmentLimits,
    private readonly stores: BlobStoresHolder,
    private readonly fetcher: RemoteAttachmentFetcher,
    private readonly prisma: PrismaClient,
    @Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime,
    private readonly usage: UsageCounters,
  ) {
    this.spoolRoot = path.join(runtime.config.dataDir, 'tmp', 'attachments');
  }

  async send(scope: TenantScope, identityId: string, conversationId: string, files: IncomingFiles): Promise<SendAttachmentsResult> {
    const limits = await this.limits.forTenant(scope);
    // Fail fast (404, 409) before reading a possibly large body.
    const identity = await this.access.identity(scope, identityId);
    await this.access.withConversation(scope, identityId, conversationId, (conversation) => assertMember(conversation));

    const spool = await this.newSpoolDirectory();
    const stored: { blob: StoredBlob; file: SpooledFile; sealed: UploadedAttachment['sealed'] }[] = [];
    const store = this.stores.stores.get(limits.store);
    try {
      const spooled = await this.spoolAll(files, spool, limits.maxBytes, limits.maxFiles);
      for (const file of spooled) stored.push(await this.encryptAndStore(store, file));
      const uploads: UploadedAttachment[] = stored.map(({ blob, file, sealed }) => ({ url: blob.url, filename: file.filename, sealed }));
      const message = await this.access.withConversation(
        scope,
        identityId,
        conversationId,
        async (conversation, client) => {
          assertMember(conversation);
          const id = await xmtpCall('send the attachment', () => sendRemoteAttachments(conversation, uploads));
          const sent = client.conversations.getMessageById(id);
          if (!sent) throw new Error(`message ${id} was sent but is not in the local database`);
          return presentDecodedMessage(sent);
        },
        { write: true },
      );
      await this.prisma.attachment.createMany({
        data: stored.map(({ blob, file, sealed }, position) => ({
          tenantId: scope.tenantId,
          identityId: identity.id,
          messageId: message.id,
          conversationId: message.conversationId,
          position,
          store: store.kind,
          storeKey: blob.key,
          url: blob.url,
          size: BigInt(file.size),
          storedSize: BigInt(blob.size),
          digest: sealed.contentDigest,
          filename: file.filename,
          contentType: file.contentType,
        })),
      });
      void this.usage.increment(scope, 'messages.sent').catch((error: unknown) => this.log.warn({ err: error }, 'counting a sent message failed'));
      return {
        message,
        attachments: stored.map(({ blob, file, sealed }) => ({
          filename: file.filename,
          contentType: file.contentType,
          size: file.size,
          url: blob.url,
          digest: sealed.contentDigest,
        })),
      };
    } catch (error) {
      // Nothing was sent (sending is the last step that can fail before the rows): remove what was stored.
      await Promise.allSettled(stored.map(({ blob }) => store.delete(blob.key)));
      throw error;
    } finally {
      await rm(spool, { recursive: true, force: true });
    }
  }

  private async newSpoolDirectory(): Promise<string> {
    await mkdir(this.spoolRoot, { recursive: true });
    return mkdtemp(path.join(this.spoolRoot, 'up-'));
  }

  /** Writes every part to its own file, enforcing the MIME policy, the per-file size limit and the file count. */
  private async spoolAll(files: IncomingFiles, directory: string, maxBytes: number, maxFiles: number): Promise<SpooledFile[]> {
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
          throw new DomainError(ErrorCode.PayloadTooLarge, `Each attachment may be at most ${maxBytes} bytes.`, { maxBytes });
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

  private async encryptAndStore(store: BlobStore, file: SpooledFile) {
    const encryptor = new AttachmentEncryptor({ filename: file.filename, mimeType: file.contentType }, file.size);
    const source = createReadStream(file.path);
    source.on('error', (error) => encryptor.destroy(error));
    try {
      const blob = await store.put(source.pipe(encryptor), { contentLength: encryptor.ciphertextLength });
      return { blob, file, sealed: encryptor.sealed() };
    } catch (error) {
      this.log.warn(`storing an attachment in ${store.kind} failed: ${(error as Error).message}`);
      throw new DomainError(ErrorCode.BadGateway, `The ${store.kind} blob store did not accept the attachment.`);
    }
  }

  /** Fetches, verifies and decrypts the `index`-th remote attachment of a message the identity can read. */
  async download(scope: TenantScope, identityId: string, messageId: string, index = 0): Promise<DownloadedAttachment> {
    const attachments = await this.access.withClient(scope, identityId, (client) => {
      const message = /^[0-9a-f]{1,128}$/i.test(messageId) ? client.conversations.getMessageById(messageId.toLowerCase()) : undefined;
      if (!message) throw new DomainError(ErrorCode.NotFound, `No message ${messageId} for this identity.`);
      const found = remoteAttachmentsIn(message);
      if (!found) throw new DomainError(ErrorCode.NotFound, `Message ${messageId} is not a remote attachment.`);
      return found;
    });
    const info = attachments[index];
    if (!info) throw new DomainError(ErrorCode.NotFound, `Message ${messageId} has ${attachments.length} attachment(s); there is no index ${index}.`);

    const { fetchTimeoutMs } = this.runtime.config.attachments;
    const maxBytes = this.runtime.config.attachments.maxBytes + ENVELOPE_ALLOWANCE_BYTES;
    let target;
    try {
      target = await this.fetcher.check(info.url);
    } catch (error) {
      if (error instanceof OutboundRefusedError) {
        throw new DomainError(ErrorCode.Unprocessable, `The attachment URL may not be fetched: ${error.message}.`, { reason: 'url_refused' });
      }
      throw error;
    }

    const spool = await this.newSpoolDirectory();
    const plaintext = path.join(spool, 'plain');
    try {
      const fetched = await this.fetcher.get(target, { timeoutMs: fetchTimeoutMs, maxBytes });
      await pipeline(
        fetched.body,
        new AttachmentDecryptor({ ...info, contentLength: info.contentLength, maxBytes }),
        createWriteStream(plaintext),
      );
      const layout = await readEncodedAttachmentLayout(plaintext);
      const start = layout.contentOffset;
      const raw = layout.contentLength > 0 ? createReadStream(plaintext, { start, end: start + layout.contentLength - 1 }) : emptyStream();
      const stream = layout.compression ? raw.pipe(layout.compression === 'gzip' ? createGunzip() : createInflate()) : raw;
      const cleanup = () => void rm(spool, { recursive: true, force: true });
      stream.once('close', cleanup);
      stream.once('error', cleanup);
      return {
        filename: sanitizeFilename(layout.filename ?? info.filename),
        contentType: normalizeMimeType(layout.mimeType),
        size: layout.compression ? undefined : layout.contentLength,
        stream,
      };
    } catch (error) {
      await rm(spool, { recursive: true, force: true });
      throw this.downloadFailure(error, messageId, target.url.host);
    }
  }

  private downloadFailure(error: unknown, messageId: string, host: string): unknown {
    if (error instanceof AttachmentIntegrityError) {
      if (error.reason === 'too_large') return new DomainError(ErrorCode.BadGateway, `The attachment at ${host} is larger than this gateway accepts.`);
      this.log.warn(`remote attachment of message ${messageId} from ${host} failed verification: ${error.reason}`);
      return new DomainError(ErrorCode.Unprocessable, `The attachment failed verification (${error.reason.replace('_', ' ')}): it is not the file the message describes.`, {
        reason: error.reason,
      });
    }
    if (error instanceof EncodedAttachmentError) {
      this.log.warn(`remote attachment of message ${messageId} decrypted to something that is not an attachment: ${error.message}`);
      return new DomainError(ErrorCode.Unprocessable, `The attachment decrypted to something that is not an attachment (${error.message}).`, { reason: 'not_an_attachment' });
    }
    if (error instanceof RemoteFetchError || isStreamAbort(error)) {
      return new DomainError(ErrorCode.BadGateway, `The attachment could not be downloaded from ${host}: ${(error as Error).message}.`);
    }
    return error;
  }
}

function emptyStream(): Readable {
  const stream = new PassThrough();
  stream.end();
  return stream;
}

function isStreamAbort(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNREFUSED' || code === 'ETIMEDOUT';
}
