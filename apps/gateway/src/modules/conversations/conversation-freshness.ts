import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Identity } from '@mailroom/persistence';
import { IdentityHosting } from '../identities/identity-hosting.js';
import { WelcomeStreams } from '../identities/welcome-streams.js';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';

/** How often a live identity's conversation list is refreshed (new welcomes) in the background. */
export const WELCOME_SYNC_INTERVAL_MS = 2_000;
/** Identities not used through the messaging API for this long stop being refreshed. */
const IDLE_AFTER_MS = 10 * 60_000;
/** At most this many identities are synced per tick, one after the other (bounded work on 2 cores). */
const SYNCS_PER_TICK = 25;
/** A lookup miss (unknown conversation id) syncs welcomes inline at most this often per identity. */
const MISS_RESYNC_MS = 500;

interface Tracked {
  row: Identity;
  lastUsed: number;
  lastSynced: number;
  inflight?: Promise<void>;
}

/**
 * Keeps hosted identities' conversation lists fresh without `syncAll` on the request path: every identity used
 * through the messaging API recently and still live in the installation pool gets a `conversations.sync()`
 * (welcomes only, no message download) every WELCOME_SYNC_INTERVAL_MS, in the identity's write queue, unless its
 * realtime pipeline streams its conversations here (WelcomeStreams). Message reads sync just the one conversation
 * they read.
 */
@Injectable()
export class ConversationFreshness implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ConversationFreshness');
  private readonly tracked = new Map<string, Tracked>();
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private stopped = false;

  constructor(
    @Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime,
    private readonly hosting: IdentityHosting,
    private readonly welcomeStreams: WelcomeStreams,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.tick(), WELCOME_SYNC_INTERVAL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await Promise.allSettled([...this.tracked.values()].map((t) => t.inflight));
    this.tracked.clear();
  }

  /** Records a use of the identity; the first use after start syncs its welcomes (awaitable). */
  touch(row: Identity): Promise<void> {
    const existing = this.tracked.get(row.id);
    if (existing) {
      existing.row = row;
      existing.lastUsed = Date.now();
      return existing.lastSynced ? Promise.resolve() : (existing.inflight ?? Promise.resolve());
    }
    const entry: Tracked = { row, lastUsed: Date.now(), lastSynced: 0 };
    this.tracked.set(row.id, entry);
    return this.sync(entry);
  }

  /** On a lookup miss: syncs welcomes now unless that just happened. Resolves true if it synced. */
  async resyncOnMiss(row: Identity): Promise<boolean> {
    const entry = this.tracked.get(row.id) ?? { row, lastUsed: Date.now(), lastSynced: 0 };
    this.tracked.set(row.id, entry);
    if (Date.now() - entry.lastSynced < MISS_RESYNC_MS && !entry.inflight) return false;
    await this.sync(entry);
    return true;
  }

  private sync(entry: Tracked): Promise<void> {
    if (entry.inflight) return entry.inflight;
    entry.inflight = this.hosting
      .use(entry.row, (client) => client.conversations.sync(), { write: true })
      .then(() => {
        entry.lastSynced = Date.now();
      })
      .catch((error: unknown) => {
        if (!this.stopped) this.logger.warn({ identityId: entry.row.id, err: error }, 'welcome sync failed');
      })
      .finally(() => {
        entry.inflight = undefined;
      });
    return entry.inflight;
  }

  private async tick(): Promise<void> {
    if (this.ticking || this.stopped) return;
    this.ticking = true;
    try {
      const now = Date.now();
      const due: Tracked[] = [];
      for (const [id, entry] of this.tracked) {
        if (now - entry.lastUsed > IDLE_AFTER_MS || !this.runtime.pool.isLive(id)) {
          if (!entry.inflight) this.tracked.delete(id);
          continue;
        }
        // A streamed identity's welcomes arrive by its conversation stream; polling would only repeat them.
        if (now - entry.lastSynced >= WELCOME_SYNC_INTERVAL_MS && !this.welcomeStreams.has(id)) due.push(entry);
      }
      due.sort((a, b) => a.lastSynced - b.lastSynced);
      for (const entry of due.slice(0, SYNCS_PER_TICK)) {
        if (this.stopped) break;
        await this.sync(entry);
      }
    } finally {
      this.ticking = false;
    }
  }
}
