import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { TenantScope } from '@mailroom/persistence';
import {
  AttachmentDecryptor,
  AttachmentIntegrityError,
  EncodedAttachmentError,
  presentDecodedMessage,
  readEncodedAttachmentLayout,
  remoteAttachmentsIn,
  sendRemoteAttachments,
  sentMessage,
  type MessageView,
  type UploadedAttachment,
} from '@mailroom/xmtp';
import { DomainError, ErrorCode, sendMayStillBePublished } from '../../common/errors/index.js';
import { UnitOfWork, type Transaction } from '../../data/index.js';
import { OutboundRefusedError } from '../../common/outbound/index.js';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { ConversationAccess } from '../conversations/conversation-access.js';
import { assertMember } from '../conversations/conversations.service.js';
import { xmtpCall } from '../conversations/xmtp-errors.js';
import { UsageCounters } from '../usage/usage-counters.service.js';
import { AttachmentLimits, type TenantAttachmentLimits } from './attachment-limits.js';
import { AttachmentRepository } from './attachment.repository.js';
import { AttachmentStorage, type IncomingFiles, type StoredAttachment } from './attachment-storage.js';
import { sanitizeFilename } from './filename.js';
import { InflatedTooLargeError, inflateCapped } from './inflate-capped.js';
import { normalizeMimeType } from './mime-policy.js';
import { RemoteAttachmentFetcher, RemoteFetchError } from './remote-attachment-fetcher.js';

export type { IncomingFile, IncomingFiles } from './attachment-storage.js';

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

/** Envelope overhead allowed on top of the file size when fetching ciphertext (header, parameters, tag). */
const ENVELOPE_ALLOWANCE_BYTES = 64 * 1024;

/**
 * Encrypted remote attachments: uploads are stored encrypted (AttachmentStorage) and announced in one message;
 * received attachments are fetched, verified against their digest and tag, decrypted to disk and only then released.
 */
@Injectable()
export class AttachmentsService {
  private readonly log = new Logger('Attachments');

  constructor(
    private readonly access: ConversationAccess,
    private readonly limits: AttachmentLimits,
    private readonly storage: AttachmentStorage,
    private readonly fetcher: RemoteAttachmentFetcher,
    private readonly attachments: AttachmentRepository,
    private readonly unitOfWork: UnitOfWork,
    @Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime,
    private readonly usage: UsageCounters,
  ) {}

  /** `openFiles` starts reading the request's files under the tenant's limits (looked up once, here). */
  async send(
    scope: TenantScope,
    identityId: string,
    conversationId: string,
    openFiles: (limits: TenantAttachmentLimits) => IncomingFiles,
  ): Promise<SendAttachmentsResult> {
    const limits = await this.limits.forTenant(scope);
    const files = openFiles(limits);
    // Fail fast (404, 409) before reading a possibly large body.
    await this.access.identity(scope, identityId);
    await this.access.withConversation(scope, identityId, conversationId, (conversation) => assertMember(conversation));

    const stored = await this.storage.storeAll(files, limits);
    try {
      return await this.announce(scope, identityId, conversationId, stored);
    } catch (error) {
      // Not sent, unless the network left the send unconfirmed: then the blobs stay for the message that may still go out.
      if (sendMayStillBePublished(error))
        this.log.warn('an attachment send was left unconfirmed by the network; its blobs are kept');
      else await this.storage.removeAll(stored);
      throw error;
    }
  }

  /**
   * Sends stored files as one remote attachment (one file) or multi remote attachment (several) and records them.
   * `afterSend` joins the recording transaction (uploads consumed by the send are deleted there).
   */
  async announce(
    scope: TenantScope,
    identityId: string,
    conversationId: string,
    stored: readonly StoredAttachment[],
    afterSend?: (tx: Transaction) => Promise<unknown>,
  ): Promise<SendAttachmentsResult> {
    const uploads: UploadedAttachment[] = stored.map(({ blob, filename, sealed }) => ({
      url: blob.url,
      filename,
      sealed,
    }));
    const message = await this.access.withConversation(
      scope,
      identityId,
      conversationId,
      async (conversation, client) => {
        assertMember(conversation);
        const id = await xmtpCall('send the attachment', () => sendRemoteAttachments(conversation, uploads));
        const sent = sentMessage(client, id);
        if (!sent) throw new Error(`message ${id} was sent but is not in the local database`);
        return presentDecodedMessage(sent);
      },
      { write: true },
    );
    // The message is out: from here on nothing may undo it (the blobs stay, uploads stay claimed). Failing to record it
    // only costs bookkeeping, so it is logged, not answered as a failure that would invite a duplicate send.
    await this.unitOfWork
      .run(async (tx) => {
        await this.attachments.recordSent(scope, identityId, message, stored, tx);
        await afterSend?.(tx);
      })
      .catch((error: unknown) =>
        this.log.error(
          { err: error, messageId: message.id },
          'an attachment message was sent but could not be recorded',
        ),
      );
    void this.usage
      .increment(scope, 'messages.sent')
      .catch((error: unknown) => this.log.warn({ err: error }, 'counting a sent message failed'));
    return {
      message,
      attachments: stored.map(({ blob, filename, contentType, size, sealed }) => ({
        filename,
        contentType,
        size,
        url: blob.url,
        digest: sealed.contentDigest,
      })),
    };
  }

  /** Fetches, verifies and decrypts the `index`-th remote attachment of a message the identity can read. */
  async download(scope: TenantScope, identityId: string, messageId: string, index = 0): Promise<DownloadedAttachment> {
    const attachments = await this.access.withClient(scope, identityId, (client) => {
      const message = /^[0-9a-f]{1,128}$/i.test(messageId)
        ? client.conversations.getMessageById(messageId.toLowerCase())
        : undefined;
      if (!message) throw new DomainError(ErrorCode.NotFound, `No message ${messageId} for this identity.`);
      const found = remoteAttachmentsIn(message);
      if (!found) throw new DomainError(ErrorCode.NotFound, `Message ${messageId} is not a remote attachment.`);
      return found;
    });
    const info = attachments[index];
    if (!info)
      throw new DomainError(
        ErrorCode.NotFound,
        `Message ${messageId} has ${attachments.length} attachment(s); there is no index ${index}.`,
      );

    const { fetchTimeoutMs } = this.runtime.config.attachments;
    const maxBytes = this.runtime.config.attachments.maxBytes + ENVELOPE_ALLOWANCE_BYTES;
    let target;
    try {
      target = await this.fetcher.check(info.url);
    } catch (error) {
      if (error instanceof OutboundRefusedError) {
        throw new DomainError(ErrorCode.Unprocessable, `The attachment URL may not be fetched: ${error.message}.`, {
          reason: 'url_refused',
        });
      }
      throw error;
    }

    const spool = await this.storage.newSpoolDirectory();
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
      const raw =
        layout.contentLength > 0
          ? createReadStream(plaintext, { start, end: start + layout.contentLength - 1 })
          : emptyStream();
      const inflated = layout.compression
        ? await inflateCapped(
            raw,
            layout.compression,
            path.join(spool, 'inflated'),
            this.runtime.config.attachments.maxBytes,
          )
        : undefined;
      const stream = inflated?.stream ?? raw;
      const cleanup = () => void rm(spool, { recursive: true, force: true });
      stream.once('close', cleanup);
      stream.once('error', cleanup);
      return {
        filename: sanitizeFilename(layout.filename ?? info.filename),
        contentType: normalizeMimeType(layout.mimeType),
        size: inflated?.size ?? layout.contentLength,
        stream,
      };
    } catch (error) {
      await rm(spool, { recursive: true, force: true });
      throw this.downloadFailure(error, messageId, target.url.host);
    }
  }

  private downloadFailure(error: unknown, messageId: string, host: string): unknown {
    if (error instanceof AttachmentIntegrityError) {
      if (error.reason === 'too_large')
        return new DomainError(ErrorCode.BadGateway, `The attachment at ${host} is larger than this gateway accepts.`);
      this.log.warn(`remote attachment of message ${messageId} from ${host} failed verification: ${error.reason}`);
      return new DomainError(
        ErrorCode.Unprocessable,
        `The attachment failed verification (${error.reason.replace('_', ' ')}): it is not the file the message describes.`,
        {
          reason: error.reason,
        },
      );
    }
    if (error instanceof EncodedAttachmentError) {
      this.log.warn(
        `remote attachment of message ${messageId} decrypted to something that is not an attachment: ${error.message}`,
      );
      return new DomainError(
        ErrorCode.Unprocessable,
        `The attachment decrypted to something that is not an attachment (${error.message}).`,
        { reason: 'not_an_attachment' },
      );
    }
    if (error instanceof InflatedTooLargeError) {
      return new DomainError(
        ErrorCode.BadGateway,
        `The attachment at ${host} is larger than this gateway accepts once inflated (${error.maxBytes} bytes).`,
      );
    }
    if (error instanceof RemoteFetchError || isStreamAbort(error)) {
      return new DomainError(
        ErrorCode.BadGateway,
        `The attachment could not be downloaded from ${host}: ${(error as Error).message}.`,
      );
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
  return (
    code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNREFUSED' || code === 'ETIMEDOUT'
  );
}
