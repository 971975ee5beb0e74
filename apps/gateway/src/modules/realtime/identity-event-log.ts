import type { Prisma, PrismaClient } from '@mailroom/persistence';
import { tenantScope } from '@mailroom/persistence';
import type { MailroomEvent } from '../events/mailroom-event.js';
import type { EventCursor } from './event-cursor.store.js';
import { RecentIds } from './recent-ids.js';
import { identityTopic, topicKindOf, type RealtimeTopics } from './realtime-topics.js';

/** Writes webhook deliveries for events inside the caller's transaction (WebhookOutbox.enqueue). */
export interface OutboxPort {
  enqueue(scope: ReturnType<typeof tenantScope>, events: readonly MailroomEvent[], db: Prisma.TransactionClient): Promise<number>;
}

export interface EventLogDeps {
  readonly prisma: PrismaClient;
  readonly topics: RealtimeTopics;
  readonly outbox: OutboxPort;
  /** Counts the tenant's received messages in the commit's transaction, so each is counted once. */
  readonly countReceived?: (tenantId: string, count: number, tx: Prisma.TransactionClient) => Promise<void>;
  readonly lookbackNs: bigint;
  readonly onPublishError: (error: unknown) => void;
  readonly onCommitError: (error: unknown) => void;
}

/** Where an event sits in the identity's history: message sent-at, or conversation created-at. */
export type Position = { readonly axis: 'messages' | 'conversations'; readonly ns: bigint } | { readonly axis: 'none' };

const PERSISTED_RECENT_IDS = 500;
const RECENT_CAPACITY = 20_000;
const COMMIT_RETRY_MS = 500;

/**
 * The emitting end of one identity's pipeline. `emit` dedupes (recent ids), publishes on the identity's bus topic at
 * once (GraphQL latency), and queues the event for a group commit that enqueues webhook deliveries and advances the
 * durable cursor in one transaction: the cursor never moves past an event whose deliveries are not written.
 */
export class IdentityEventLog {
  readonly #recent = new RecentIds(RECENT_CAPACITY);
  #messagesNs: bigint;
  #conversationsNs: bigint;
  #committedMessagesNs: bigint;
  #committedConversationsNs: bigint;
  #pending: MailroomEvent[] = [];
  /** Ids whose deliveries and cursor are committed, newest last: only these may seed a restart's dedupe guard. */
  #committedIds: string[];
  #committing: Promise<void> | undefined;
  #emitted = 0;

  constructor(
    readonly tenantId: string,
    readonly identityId: string,
    private readonly cursor: EventCursor,
    private readonly deps: EventLogDeps,
  ) {
    this.#messagesNs = this.#committedMessagesNs = cursor.messagesNs;
    this.#conversationsNs = this.#committedConversationsNs = cursor.conversationsNs;
    this.#committedIds = [...cursor.recentIds];
    for (const id of cursor.recentIds) this.#recent.add(id, cursor.messagesNs);
  }

  /** Replays of messages start here: the lookback window before the newest emitted, never before the pipeline began. */
  messagesFloorNs(): bigint {
    return max(this.cursor.startedNs, this.#messagesNs - this.deps.lookbackNs);
  }

  conversationsFloorNs(): bigint {
    return max(this.cursor.startedNs, this.#conversationsNs - this.deps.lookbackNs);
  }

  /** Emits the event unless it was emitted already or happened before the pipeline started; true when emitted. */
  emit(event: MailroomEvent, position: Position): boolean {
    if (this.#recent.has(event.id)) return false;
    if (position.axis !== 'none' && position.ns < this.cursor.startedNs) return false;
    this.#recent.add(event.id, position.axis === 'none' ? this.#messagesNs : position.ns);
    if (position.axis === 'messages' && position.ns > this.#messagesNs) this.#messagesNs = position.ns;
    if (position.axis === 'conversations' && position.ns > this.#conversationsNs) this.#conversationsNs = position.ns;
    this.#emitted++;
    const kind = topicKindOf(event);
    if (kind) {
      this.deps.topics.publish(identityTopic(this.tenantId, this.identityId, kind), event).catch(this.deps.onPublishError);
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
    // Let events of the same tick join this commit.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.#pending.length > 0) {
      const batch = this.#pending;
      this.#pending = [];
      const messagesNs = this.#messagesNs;
      const conversationsNs = this.#conversationsNs;
      const committedIds = [...this.#committedIds, ...batch.map((event) => event.id)].slice(-PERSISTED_RECENT_IDS);
      try {
        await this.deps.prisma.$transaction(async (tx) => {
          await this.deps.outbox.enqueue(tenantScope(this.tenantId), batch, tx);
          const received = batch.filter((event) => event.type === 'message.received').length;
          if (received > 0) await this.deps.countReceived?.(this.tenantId, received, tx);
          await tx.identityEventCursor.updateMany({
            where: { identityId: this.identityId },
            data: {
              messagesNs: max(messagesNs, this.#committedMessagesNs),
              conversationsNs: max(conversationsNs, this.#committedConversationsNs),
              recentIds: committedIds,
            },
          });
        });
        this.#committedIds = committedIds;
        this.#committedMessagesNs = max(messagesNs, this.#committedMessagesNs);
        this.#committedConversationsNs = max(conversationsNs, this.#committedConversationsNs);
        this.#recent.prune(min(this.messagesFloorNs(), this.conversationsFloorNs()));
      } catch (error) {
        this.deps.onCommitError(error);
        this.#pending = [...batch, ...this.#pending];
        await new Promise((resolve) => setTimeout(resolve, COMMIT_RETRY_MS));
      }
    }
  }
}

const max = (a: bigint, b: bigint) => (a > b ? a : b);
const min = (a: bigint, b: bigint) => (a < b ? a : b);
