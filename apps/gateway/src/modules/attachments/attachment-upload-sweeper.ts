import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { BlobStoreKind } from '@mailroom/blob-storage';
import { AttachmentUploadSweepSystemRepository } from '../../system/index.js';
import { AttachmentStorage } from './attachment-storage.js';

const SWEEP_INTERVAL_MS = 5 * 60_000;
const BATCH = 200;
/** A claim this old belongs to a send that died; whether it went out is unknown, so its blob is kept. */
const ABANDONED_CLAIM_MS = 60 * 60_000;

/**
 * Deletes uploads nobody sent before they expired, with their blobs. Every replica sweeps; SKIP LOCKED keeps two
 * replicas off the same rows.
 */
@Injectable()
export class AttachmentUploadSweeper implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('AttachmentUploadSweeper');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly uploads: AttachmentUploadSweepSystemRepository,
    private readonly storage: AttachmentStorage,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(
      () =>
        void this.sweep().catch((error: unknown) => this.log.warn({ err: error }, 'sweeping expired uploads failed')),
      SWEEP_INTERVAL_MS,
    );
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One pass over everything expired; resolves with the number of uploads deleted. */
  sweep(): Promise<number> {
    this.running ??= this.sweepAll().finally(() => (this.running = undefined));
    return this.running;
  }

  private async sweepAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const expired = await this.uploads.deleteExpired(BATCH, ABANDONED_CLAIM_MS);
      const unsent = expired.filter((row) => row.claimedAt === null);
      await this.storage.removeAll(
        unsent.map((row) => ({ store: row.store as BlobStoreKind, blob: { key: row.storeKey } })),
      );
      total += expired.length;
      if (expired.length < BATCH) return total;
    }
  }
}
