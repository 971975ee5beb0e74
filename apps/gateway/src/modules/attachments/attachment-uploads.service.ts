import { Inject, Injectable } from '@nestjs/common';
import type { AttachmentUpload, Identity, TenantScope } from '@mailroom/persistence';
import type { SealedAttachment } from '@mailroom/xmtp';
import { DomainError, ErrorCode, sendMayStillBePublished } from '../../common/errors/index.js';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { ConversationAccess } from '../conversations/conversation-access.js';
import { IdentityHosting } from '../identities/identity-hosting.js';
import { AttachmentLimits, type TenantAttachmentLimits } from './attachment-limits.js';
import { AttachmentStorage, type IncomingFiles, type StoredAttachment } from './attachment-storage.js';
import { AttachmentRepository } from './attachment.repository.js';
import { AttachmentsService, type SendAttachmentsResult } from './attachments.service.js';

const KEYS_PURPOSE = 'attachment-keys';
const SECRET_BYTES = 32;
const SALT_BYTES = 32;
const NONCE_BYTES = 12;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AttachmentUploadView {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  digest: string;
  url: string;
  expiresAt: string;
}

/**
 * Two-step attachments for clients that cannot send multipart with the message (GraphQL): files are uploaded,
 * encrypted and stored first (`upload`), then announced by id (`send`). Between the two the key material is sealed
 * with the identity's data key; an upload is sent at most once, and expires otherwise (AttachmentUploadSweeper).
 */
@Injectable()
export class AttachmentUploadsService {
  constructor(
    private readonly access: ConversationAccess,
    private readonly hosting: IdentityHosting,
    private readonly limits: AttachmentLimits,
    private readonly storage: AttachmentStorage,
    private readonly attachments: AttachmentsService,
    private readonly uploads: AttachmentRepository,
    @Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime,
  ) {}

  /** `openFiles` starts reading the request's files under the tenant's limits (looked up once, here). */
  async upload(
    scope: TenantScope,
    identityId: string,
    openFiles: (limits: TenantAttachmentLimits) => IncomingFiles,
  ): Promise<AttachmentUploadView[]> {
    const limits = await this.limits.forTenant(scope);
    const files = openFiles(limits);
    const identity = await this.access.identity(scope, identityId);
    const stored = await this.storage.storeAll(files, limits);
    const expiresAt = new Date(Date.now() + this.runtime.config.attachments.uploadTtlSeconds * 1000);
    try {
      const rows = await this.uploads.createUploads(
        scope,
        stored.map((file) => ({
          identityId: identity.id,
          file,
          sealedKeys: this.sealKeys(identity, file.sealed),
          expiresAt,
        })),
      );
      return rows.map(presentUpload);
    } catch (error) {
      await this.storage.removeAll(stored);
      throw error;
    }
  }

  /** Sends the uploads, in the order given, as one message; they are consumed by it. */
  async send(
    scope: TenantScope,
    identityId: string,
    conversationId: string,
    uploadIds: readonly string[],
  ): Promise<SendAttachmentsResult> {
    const limits = await this.limits.forTenant(scope);
    validateIds(uploadIds, limits.maxFiles);
    const identity = await this.access.identity(scope, identityId);
    await this.claim(scope, identity.id, uploadIds);
    try {
      const rows = await this.uploads.findUploads(scope, identity.id, uploadIds);
      const byId = new Map(rows.map((row) => [row.id, row]));
      const stored = uploadIds.map((id) => {
        const row = byId.get(id);
        if (!row) throw new DomainError(ErrorCode.NotFound, `Upload ${id} expired while it was being sent.`);
        return this.toStored(identity, row);
      });
      return await this.attachments.announce(scope, identity.id, conversationId, stored, (tx) =>
        this.uploads.deleteUploads(scope, uploadIds, tx),
      );
    } catch (error) {
      // Not sent: the uploads may be sent again. Left unconfirmed by the network, the message may still go out: the
      // uploads stay claimed (the sweeper keeps the blobs of claimed uploads).
      if (!sendMayStillBePublished(error)) {
        await this.uploads.releaseUploads(scope, uploadIds);
      }
      throw error;
    }
  }

  /** Marks every upload as taken by this send, or none of them: 404 for unknown or expired ids, 409 for taken ones. */
  private async claim(scope: TenantScope, identityId: string, uploadIds: readonly string[]): Promise<void> {
    const now = new Date();
    if (await this.uploads.claimUploads(scope, identityId, uploadIds, now)) return;
    const rows = await this.uploads.findUploads(scope, identityId, uploadIds);
    const live = new Map(rows.filter((row) => row.expiresAt > now).map((row) => [row.id, row]));
    const missing = uploadIds.filter((id) => !live.has(id));
    if (missing.length > 0) {
      throw new DomainError(
        ErrorCode.NotFound,
        `No upload ${missing.join(', ')} for this identity: uploads are sent once, and expire if they are not.`,
        {
          uploadIds: missing,
        },
      );
    }
    throw new DomainError(ErrorCode.Conflict, 'Another request is sending some of these uploads.', {
      uploadIds: uploadIds.filter((id) => live.get(id)?.claimedAt),
    });
  }

  private sealKeys(identity: Identity, sealed: SealedAttachment): Buffer {
    const keys = Buffer.concat([sealed.secret, sealed.salt, sealed.nonce]);
    try {
      return this.hosting.sealFor(identity, keys, KEYS_PURPOSE);
    } finally {
      keys.fill(0);
    }
  }

  private toStored(identity: Identity, row: AttachmentUpload): StoredAttachment {
    const keys = this.hosting.openFor(identity, row.sealedKeys, KEYS_PURPOSE);
    if (keys.length !== SECRET_BYTES + SALT_BYTES + NONCE_BYTES)
      throw new Error(`the sealed keys of upload ${row.id} have the wrong length`);
    const secret = Uint8Array.prototype.slice.call(keys, 0, SECRET_BYTES);
    const salt = Uint8Array.prototype.slice.call(keys, SECRET_BYTES, SECRET_BYTES + SALT_BYTES);
    const nonce = Uint8Array.prototype.slice.call(keys, SECRET_BYTES + SALT_BYTES);
    keys.fill(0);
    return {
      store: row.store as StoredAttachment['store'],
      blob: { key: row.storeKey, url: row.url, size: Number(row.storedSize) },
      filename: row.filename,
      contentType: row.contentType,
      size: Number(row.size),
      sealed: { secret, salt, nonce, contentDigest: row.digest, contentLength: Number(row.storedSize) },
    };
  }
}

function validateIds(uploadIds: readonly string[], maxFiles: number): void {
  const problem =
    uploadIds.length === 0
      ? 'must name at least one upload'
      : uploadIds.length > maxFiles
        ? `may name at most ${maxFiles} uploads`
        : uploadIds.some((id) => !UUID.test(id))
          ? 'must be upload ids (UUIDs)'
          : new Set(uploadIds.map((id) => id.toLowerCase())).size !== uploadIds.length
            ? 'must not name an upload twice'
            : undefined;
  if (problem)
    throw new DomainError(ErrorCode.ValidationFailed, `uploadIds ${problem}.`, {
      errors: [{ field: 'uploadIds', message: problem }],
    });
}

function presentUpload(row: AttachmentUpload): AttachmentUploadView {
  return {
    id: row.id,
    filename: row.filename,
    contentType: row.contentType,
    size: Number(row.size),
    digest: row.digest,
    url: row.url,
    expiresAt: row.expiresAt.toISOString(),
  };
}
