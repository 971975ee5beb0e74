import { Prisma, queryPrepared, tenantScope, type PrismaClient, type TenantScope } from '@mailroom/persistence';
import type { MailroomEvent } from '../events/mailroom-event.js';
import type { DeliveryWrite, DeliveryWriteRow } from '../webhooks/webhook-outbox.js';
import { countable, countReceivedCtes } from '../usage/received-messages.js';

/** The webhook outbox as the commit sees it (WebhookOutbox): the deliveries part of the commit statement. */
export interface OutboxPort {
  writeDeliveries(batches: readonly { scope: TenantScope; events: readonly MailroomEvent[] }[]): DeliveryWrite;
}

/** One identity's events and the cursor they advance it to. */
export interface CommitRequest {
  readonly tenantId: string;
  readonly identityId: string;
  readonly events: readonly MailroomEvent[];
  readonly messagesNs: bigint;
  readonly conversationsNs: bigint;
  /** The ids for the restart's dedupe guard; undefined leaves the stored ones (see IdentityEventLog). */
  readonly recentIds: readonly string[] | undefined;
}

/** How long a lazy request waits for a statement to ride along with. */
const LAZY_COMMIT_MS = 100;

interface Waiting {
  readonly request: CommitRequest;
  readonly lazy: boolean;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Group commit for every identity pipeline of a process: the requests that arrive in the same turn, or while the
 * previous statement runs, are written by ONE statement (webhook and push deliveries, received-message counts,
 * cursors), so a received message costs a fraction of a round trip under load and one when alone. A lazy request
 * (an identity's own sent messages: the caller that sent them already knows) does not start a statement by itself;
 * it rides along with the next one, or goes alone after LAZY_COMMIT_MS. A failed group is retried one identity at a
 * time, so one identity's bad batch cannot hold the others back.
 */
export class EventCommitter {
  #waiting: Waiting[] = [];
  #writing = false;
  #scheduled = false;
  #lazyTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly outbox: OutboxPort,
  ) {}

  /** Resolves once the request's deliveries, counts and cursor are committed; rejects when its statement failed. */
  commit(request: CommitRequest, options: { lazy?: boolean } = {}): Promise<void> {
    return new Promise((resolve, reject) => {
      const lazy = options.lazy ?? false;
      this.#waiting.push({ request, lazy, resolve, reject });
      if (lazy) this.#scheduleLazy();
      else this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#writing || this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      void this.#write();
    });
  }

  #scheduleLazy(): void {
    if (this.#lazyTimer) return;
    this.#lazyTimer = setTimeout(() => {
      this.#lazyTimer = undefined;
      this.#schedule();
    }, LAZY_COMMIT_MS);
  }

  async #write(): Promise<void> {
    const group = this.#waiting;
    if (group.length === 0) return;
    this.#waiting = [];
    this.#writing = true;
    try {
      await this.#run(group);
    } finally {
      this.#writing = false;
      if (this.#waiting.some((w) => !w.lazy)) this.#schedule();
      else if (this.#waiting.length > 0) this.#scheduleLazy();
    }
  }

  async #run(group: readonly Waiting[]): Promise<void> {
    const requests = group.map((w) => w.request);
    let write: DeliveryWrite | undefined;
    try {
      write = this.outbox.writeDeliveries(requests.map((r) => ({ scope: tenantScope(r.tenantId), events: r.events })));
      const rows = await queryPrepared<DeliveryWriteRow>(this.prisma, commitStatement(write, requests));
      write.committed(rows);
      for (const w of group) w.resolve();
    } catch (error) {
      write?.failed();
      if (group.length === 1) {
        group[0].reject(error);
        return;
      }
      for (const w of group) await this.#run([w]);
    }
  }
}

function commitStatement(write: DeliveryWrite, requests: readonly CommitRequest[]): Prisma.Sql {
  const received = countable(
    requests.flatMap((r) =>
      r.events
        .filter((event) => event.type === 'message.received')
        .map((event) => ({
          tenantId: r.tenantId,
          identityId: r.identityId,
          messageId: event.id,
          sentAt: new Date(event.createdAt),
        })),
    ),
  );
  return Prisma.sql`
    WITH ${write.ctes},
    ${countReceivedCtes(received)}, moved AS (
      UPDATE identity_event_cursors c
      SET messages_ns = u.messages_ns, conversations_ns = u.conversations_ns,
          recent_ids = CASE WHEN u.recent_ids IS NULL THEN c.recent_ids
                            ELSE ARRAY(SELECT jsonb_array_elements_text(u.recent_ids)) END,
          updated_at = now()
      FROM unnest(
        ${requests.map((r) => r.identityId)}::uuid[],
        ${requests.map((r) => String(r.messagesNs))}::bigint[],
        ${requests.map((r) => String(r.conversationsNs))}::bigint[],
        ${requests.map((r) => (r.recentIds ? JSON.stringify(r.recentIds) : null))}::jsonb[]
      ) AS u(identity_id, messages_ns, conversations_ns, recent_ids)
      WHERE c.identity_id = u.identity_id
    )
    ${write.select}`;
}

const committers = new WeakMap<OutboxPort, EventCommitter>();

/** The process's committer for this outbox (one per gateway: tests run several in one process). */
export function committerFor(prisma: PrismaClient, outbox: OutboxPort): EventCommitter {
  let committer = committers.get(outbox);
  if (!committer) {
    committer = new EventCommitter(prisma, outbox);
    committers.set(outbox, committer);
  }
  return committer;
}
