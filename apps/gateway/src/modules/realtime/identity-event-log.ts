import type { PrismaClient } from '@mailroom/persistence';
import type { MailroomEvent } from '../events/mailroom-event.js';
import type { EventCursor } from '../../system/index.js';
import { committerFor, type EventCommitter, type OutboxPort } from './event-committer.js';
import { RecentEventIds } from './recent-ids.js';
import { identityTopic, topicKindOf, type RealtimeTopics } from './realtime-topics.js';

export type { OutboxPort } from './event-committer.js';

export interface EventLogDeps {
  readonly prisma: PrismaClient;
  readonly topics: RealtimeTopics;
  readonly outbox: OutboxPort;
  readonly lookbackNs: bigint;
  readonly onPublishError: (error: unknown) => void;
  readonly onCommitError: (error: unknown) => void;
  /**
   * True while a GraphQL subscriber anywhere listens to the identity (its interest notices reach this process): only
   * then are events published on the bus. Webhook-only identities cost no bus traffic.
   */
  readonly hasSubscribers: () => boolean;
  /** Every event emitted (metrics). */
  readonly onEmitted?: (event: MailroomEvent) => void;
}

/** Where an event sits in the identity's history: message sent-at, or conversation created-at. */
export type Position = { readonly axis: 'messages' | 'conversations'; readonly ns: bigint } | { readonly axis: 'none' };

// Large enough to cover a restart's replay of a busy moment. Written with a commit at most every 5 s (and on flush),
// not with every commit: the cursor row would otherwise be rewritten with ~13 KB of ids per event (Postgres parses,
// compresses and TOASTs them each time). Ids of the last seconds before a crash are then missing from the guard: their
// replay finds the outbox rows and received ids already there (no second delivery or count), and subscriptions drop
// ids they have seen.
const PERSISTED_RECENT_IDS = 200;
const RECENT_IDS_PERSIST_MS = 5_000;
const RECENT_CAPACITY = 20_000;
const COMMIT_RETRY_MS = 500;
const MAX_REPLAY_OVERLAP_NS = 60_000_000_000n;

/**
 * The emitting end of one identity's pipeline. `emit` dedupes (recent ids), publishes on the identity's bus topic at
 * once (GraphQL latency), and queues the event for a group commit (EventCommitter, shared by the process's pipelines):
 * one statement writes the webhook (and push) deliveries, counts received messages and advances the durable cursor,
 * so the cursor never moves past an event whose deliveries are not written.
 */
export class IdentityEventLog {
  readonly #recent = new RecentEventIds(RECENT_CAPACITY);
  #messagesNs: bigint;
  #conversationsNs: bigint;
  #committedMessagesNs: bigint;
  #committedConversationsNs: bigint;
  #pending: MailroomEvent[] = [];
  /** Ids whose deliveries and cursor are committed, newest last: only these may seed a restart's dedupe guard. */
  #committedIds: string[];
  #committing: Promise<void> | undefined;
  /** When the committed ids last went to the cursor row, and whether later commits left newer ones out. */
  #idsPersistedAt = 0;
  #idsStale = false;
  #emitted = 0;
  readonly #committer: EventCommitter;

  constructor(
    readonly tenantId: string,
    readonly identityId: string,
    private readonly cursor: EventCursor,
    private readonly deps: EventLogDeps,
  ) {
    this.#messagesNs = this.#committedMessagesNs = cursor.messagesNs;
    this.#conversationsNs = this.#committedConversationsNs = cursor.conversationsNs;
    this.#committedIds = [...cursor.recentIds];
    this.#committer = committerFor(deps.prisma, deps.outbox);
    // A committed id may be of either axis: it stays until both floors have passed the cursor.
    for (const id of cursor.recentIds) {
      this.#recent.add(id, 'messages', cursor.messagesNs);
      this.#recent.add(id, 'conversations', cursor.conversationsNs);
    }
  }

  /** Replays of messages start here: the lookback window before the newest emitted, never before the pipeline began. */
  messagesFloorNs(): bigint {
    return max(this.cursor.startedNs, this.#messagesNs - this.deps.lookbackNs);
  }

  /**
   * Where a repeated catch-up's message replay starts, given that an earlier one already fetched everything sent before
   * `coveredThroughNs`: a short overlap before it (late arrivals) instead of the whole lookback window, so periodic
   * reconciliation costs what arrived since, not the last lookback's worth of messages every time.
   */
  replayFloorNs(coveredThroughNs: bigint | undefined): bigint {
    const floor = this.messagesFloorNs();
    if (coveredThroughNs === undefined) return floor;
    const overlap = this.deps.lookbackNs < MAX_REPLAY_OVERLAP_NS ? this.deps.lookbackNs : MAX_REPLAY_OVERLAP_NS;
    return max(floor, coveredThroughNs - overlap);
  }

  conversationsFloorNs(): bigint {
    return max(this.cursor.startedNs, this.#conversationsNs - this.deps.lookbackNs);
  }

  /** Emits the event unless it was emitted already or happened before the pipeline started; true when emitted. */
  emit(event: MailroomEvent, position: Position): boolean {
    if (this.#recent.has(event.id)) return false;
    if (position.axis !== 'none' && position.ns < this.cursor.startedNs) return false;
    if (position.axis === 'none') this.#recent.add(event.id, 'messages', this.#messagesNs);
    else this.#recent.add(event.id, position.axis, position.ns);
    if (position.axis === 'messages' && position.ns > this.#messagesNs) this.#messagesNs = position.ns;
    if (position.axis === 'conversations' && position.ns > this.#conversationsNs) this.#conversationsNs = position.ns;
    this.#emitted++;
    this.deps.onEmitted?.(event);
    const kind = topicKindOf(event);
    if (kind && this.deps.hasSubscribers()) {
      this.deps.topics
        .publish(identityTopic(this.tenantId, this.identityId, kind), event)
        .catch(this.deps.onPublishError);
    }
    this.#pending.push(event);
    this.#scheduleCommit();
    return true;
  }

  /** Resolves once everything emitted so far is committed (deliveries written, cursor advanced). */
  async flush(): Promise<void> {
    while (this.#committing || this.#pending.length > 0) {
      if (!this.#committing) this.#scheduleCommit();
      await this.#committing;
    }
    if (this.#idsStale) await this.#persistIds();
  }

  async #persistIds(): Promise<void> {
    const recentIds = this.#committedIds;
    await this.#committer.commit({
      tenantId: this.tenantId,
      identityId: this.identityId,
      events: [],
      messagesNs: this.#committedMessagesNs,
      conversationsNs: this.#committedConversationsNs,
      recentIds,
    });
    if (recentIds === this.#committedIds) this.#idsStale = false;
  }

  get emitted(): number {
    return this.#emitted;
  }

  get pendingCount(): number {
    return this.#pending.length;
  }

  #scheduleCommit(): void {
    if (this.#committing) return;
    this.#committing = this.#commitLoop().finally(() => {
      this.#committing = undefined;
    });
  }

  async #commitLoop(): Promise<void> {
    // Events of the same turn join this commit (the committer also waits a turn, gathering other identities').
    await Promise.resolve();
    while (this.#pending.length > 0) {
      const batch = this.#pending;
      this.#pending = [];
      const messagesNs = max(this.#messagesNs, this.#committedMessagesNs);
      const conversationsNs = max(this.#conversationsNs, this.#committedConversationsNs);
      const committedIds = [...this.#committedIds, ...batch.map((event) => event.id)].slice(-PERSISTED_RECENT_IDS);
      const startedAt = Date.now();
      const persistIds = startedAt - this.#idsPersistedAt >= RECENT_IDS_PERSIST_MS;
      try {
        await this.#committer.commit(
          {
            tenantId: this.tenantId,
            identityId: this.identityId,
            events: batch,
            messagesNs,
            conversationsNs,
            recentIds: persistIds ? committedIds : undefined,
          },
          // The identity's own sends: their caller already knows, so their webhooks may wait a moment for company.
          { lazy: batch.every((event) => event.type === 'message.sent') },
        );
        this.#committedIds = committedIds;
        if (persistIds) this.#idsPersistedAt = startedAt;
        this.#idsStale = !persistIds;
        this.#committedMessagesNs = messagesNs;
        this.#committedConversationsNs = conversationsNs;
        this.#recent.prune({ messagesNs: this.messagesFloorNs(), conversationsNs: this.conversationsFloorNs() });
      } catch (error) {
        this.deps.onCommitError(error);
        this.#pending = [...batch, ...this.#pending];
        await new Promise((resolve) => setTimeout(resolve, COMMIT_RETRY_MS));
      }
    }
  }
}

const max = (a: bigint, b: bigint) => (a > b ? a : b);
