import { Injectable } from '@nestjs/common';
import { PrismaClient } from '@mailroom/persistence';

export interface ExpiredUpload {
  readonly id: string;
  readonly store: string;
  readonly storeKey: string;
  /** Set when a send had claimed it (and may have published it). */
  readonly claimedAt: Date | null;
}

/** SYSTEM (cross-tenant): the expired-upload sweep. */
export abstract class AttachmentUploadSweepSystemRepository {
  /**
   * Deletes up to `batch` expired uploads of any tenant, skipping rows another replica holds and uploads claimed less
   * than `abandonedClaimMs` ago; returns what was deleted.
   */
  abstract deleteExpired(batch: number, abandonedClaimMs: number): Promise<ExpiredUpload[]>;
}

@Injectable()
export class PrismaAttachmentUploadSweepSystemRepository extends AttachmentUploadSweepSystemRepository {
  constructor(private readonly prisma: PrismaClient) {
    super();
  }

  async deleteExpired(batch: number, abandonedClaimMs: number): Promise<ExpiredUpload[]> {
    const rows = await this.prisma.$queryRaw<
      Array<{ id: string; store: string; store_key: string; claimed_at: Date | null }>
    >`
      DELETE FROM attachment_uploads WHERE id IN (
        SELECT id FROM attachment_uploads
        WHERE expires_at < now() AND (claimed_at IS NULL OR claimed_at < now() - make_interval(secs => ${abandonedClaimMs / 1000}))
        ORDER BY expires_at LIMIT ${batch} FOR UPDATE SKIP LOCKED)
      RETURNING id, store, store_key, claimed_at`;
    return rows.map((row) => ({ id: row.id, store: row.store, storeKey: row.store_key, claimedAt: row.claimed_at }));
  }
}
