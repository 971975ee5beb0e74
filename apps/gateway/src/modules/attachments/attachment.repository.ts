import { Injectable } from '@nestjs/common';
import { PrismaClient, type AttachmentUpload, type TenantScope } from '@mailroom/persistence';
import { clientFor, type Transaction } from '../../data/index.js';
import type { StoredAttachment } from './attachment-storage.js';

export interface NewUpload {
  readonly identityId: string;
  readonly file: StoredAttachment;
  readonly sealedKeys: Uint8Array;
  readonly expiresAt: Date;
}

/** Attachments a tenant's identities sent, and the uploads waiting to be sent (two-step attachments). */
export abstract class AttachmentRepository {
  /** Records the files of a sent message, in order. */
  abstract recordSent(
    scope: TenantScope,
    identityId: string,
    message: { id: string; conversationId: string },
    files: readonly StoredAttachment[],
    tx?: Transaction,
  ): Promise<void>;
  /** All or none. */
  abstract createUploads(scope: TenantScope, uploads: readonly NewUpload[]): Promise<AttachmentUpload[]>;
  /** Claims every listed upload of the identity that is unclaimed and unexpired, or none of them; true when all were. */
  abstract claimUploads(scope: TenantScope, identityId: string, ids: readonly string[], now: Date): Promise<boolean>;
  abstract findUploads(scope: TenantScope, identityId: string, ids: readonly string[]): Promise<AttachmentUpload[]>;
  abstract releaseUploads(scope: TenantScope, ids: readonly string[]): Promise<void>;
  abstract deleteUploads(scope: TenantScope, ids: readonly string[], tx?: Transaction): Promise<void>;
}

class ClaimIncomplete extends Error {}

@Injectable()
export class PrismaAttachmentRepository extends AttachmentRepository {
  constructor(private readonly prisma: PrismaClient) {
    super();
  }

  async recordSent(
    scope: TenantScope,
    identityId: string,
    message: { id: string; conversationId: string },
    files: readonly StoredAttachment[],
    tx?: Transaction,
  ): Promise<void> {
    await clientFor(this.prisma, tx).attachment.createMany({
      data: files.map(({ store, blob, filename, contentType, size, sealed }, position) => ({
        tenantId: scope.tenantId,
        identityId,
        messageId: message.id,
        conversationId: message.conversationId,
        position,
        store,
        storeKey: blob.key,
        url: blob.url,
        size: BigInt(size),
        storedSize: BigInt(blob.size),
        digest: sealed.contentDigest,
        filename,
        contentType,
      })),
    });
  }

  createUploads(scope: TenantScope, uploads: readonly NewUpload[]): Promise<AttachmentUpload[]> {
    return this.prisma.$transaction(
      uploads.map(({ identityId, file, sealedKeys, expiresAt }) =>
        this.prisma.attachmentUpload.create({
          data: {
            tenantId: scope.tenantId,
            identityId,
            store: file.store,
            storeKey: file.blob.key,
            url: file.blob.url,
            size: BigInt(file.size),
            storedSize: BigInt(file.blob.size),
            digest: file.sealed.contentDigest,
            filename: file.filename,
            contentType: file.contentType,
            sealedKeys: new Uint8Array(sealedKeys),
            expiresAt,
          },
        }),
      ),
    );
  }

  async claimUploads(scope: TenantScope, identityId: string, ids: readonly string[], now: Date): Promise<boolean> {
    const where = {
      tenantId: scope.tenantId,
      identityId,
      id: { in: [...ids] },
      claimedAt: null,
      expiresAt: { gt: now },
    };
    return this.prisma
      .$transaction(async (tx) => {
        const { count } = await tx.attachmentUpload.updateMany({ where, data: { claimedAt: now } });
        // Rolls the partial claim back.
        if (count !== ids.length) throw new ClaimIncomplete();
        return true;
      })
      .catch((error: unknown) => {
        if (error instanceof ClaimIncomplete) return false;
        throw error;
      });
  }

  findUploads(scope: TenantScope, identityId: string, ids: readonly string[]): Promise<AttachmentUpload[]> {
    return this.prisma.attachmentUpload.findMany({
      where: { tenantId: scope.tenantId, identityId, id: { in: [...ids] } },
    });
  }

  async releaseUploads(scope: TenantScope, ids: readonly string[]): Promise<void> {
    await this.prisma.attachmentUpload.updateMany({
      where: { tenantId: scope.tenantId, id: { in: [...ids] } },
      data: { claimedAt: null },
    });
  }

  async deleteUploads(scope: TenantScope, ids: readonly string[], tx?: Transaction): Promise<void> {
    await clientFor(this.prisma, tx).attachmentUpload.deleteMany({
      where: { tenantId: scope.tenantId, id: { in: [...ids] } },
    });
  }
}
