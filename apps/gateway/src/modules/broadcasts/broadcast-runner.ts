import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { tenantScope, type Identity, type TenantScope } from '@mailroom/persistence';
import { ConsentEntityType, ConsentState, IdentifierKind, type XmtpSession } from '@mailroom/xmtp';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { ConversationsService } from '../conversations/conversations.service.js';
import type { MailroomEvent } from '../events/mailroom-event.js';
import { IdentitiesService } from '../identities/identities.service.js';
import { IdentityHosting } from '../identities/identity-hosting.js';
import { MessagesService } from '../messages/messages.service.js';
import { WebhookOutbox } from '../webhooks/webhook-outbox.js';
import { BroadcastRunsSystemRepository } from '../../system/index.js';
import type { BroadcastRow, RecipientRow } from './broadcast.repository.js';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { broadcastSettings, type BroadcastSettings } from './broadcast-settings.js';
import { contentText, type BroadcastContent } from './broadcast-content.js';

const BATCH = 100;
const ADDRESS = /^0x[0-9a-f]{40}$/;

/** Why a broadcast stopped being worked on here before it completed. */
class Interrupted extends Error {}

/**
 * Works off running broadcasts, one at a time per process, under a renewable lease (a stopped process's lease runs
 * out and another process resumes). Each batch of recipients is resolved in bulk (who is on XMTP, denied inboxes,
 * duplicates), then each reachable recipient gets its DM and message. A recipient is marked `sending` before its send;
 * on resume such a recipient's DM is searched for the message first, so nobody is messaged twice.
 */
@Injectable()
export class BroadcastRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Broadcasts');
  private readonly owner = `${process.pid}:${randomUUID()}`;
  private readonly settings: BroadcastSettings;
  private running = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;

  constructor(
    private readonly store: BroadcastRunsSystemRepository,
    private readonly identities: IdentitiesService,
    private readonly hosting: IdentityHosting,
    private readonly conversations: ConversationsService,
    private readonly messages: MessagesService,
    private readonly outbox: WebhookOutbox,
    @Inject(GATEWAY_RUNTIME) runtime: GatewayRuntime,
  ) {
    this.settings = broadcastSettings(runtime.config);
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
  }

  /** A new broadcast exists: look for work now instead of at the next poll. */
  wake(): void {
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let worked = false;
      try {
        const broadcast = await this.store.claim(this.owner, this.settings.leaseMs);
        if (broadcast) worked = await this.work(broadcast);
      } catch (error) {
        this.logger.warn({ err: String(error) }, 'broadcast runner pass failed');
      }
      if (!worked) await this.idle(this.settings.pollMs);
    }
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  /** True when the broadcast completed; false when it was left for later (or for another process). */
  private async work(broadcast: BroadcastRow): Promise<boolean> {
    const scope = tenantScope(broadcast.tenantId);
    let lost = false;
    const renewal = setInterval(
      () => {
        void this.store.renew(broadcast.id, this.owner, this.settings.leaseMs).then(
          (held) => (lost ||= !held),
          () => undefined,
        );
      },
      Math.max(500, Math.floor(this.settings.leaseMs / 3)),
    );
    const check = () => {
      if (!this.running || lost) throw new Interrupted();
    };
    try {
      const identity = await this.identities.requireActive(scope, broadcast.identityId);
      // One batch per turn, so one tenant's huge broadcast cannot hold the runner while others wait.
      const batch = await this.store.pending(broadcast.id, BATCH);
      if (batch.length > 0) {
        const toSend = await this.resolve(identity, broadcast, batch);
        for (const recipient of toSend) {
          check();
          await this.deliver(scope, identity, broadcast, recipient);
          if (this.settings.paceMs > 0) await new Promise((resolve) => setTimeout(resolve, this.settings.paceMs));
        }
        check();
        if ((await this.store.pending(broadcast.id, 1)).length > 0) {
          await this.store.endTurn(broadcast.id, this.owner);
          return true;
        }
      }
      await this.finish(scope, broadcast);
      return true;
    } catch (error) {
      // A deleted identity (404) or one that can no longer send (409) will not come back: fail what is left, with the
      // reason, instead of pausing and being claimed again and again.
      const terminal =
        error instanceof DomainError && (error.code === ErrorCode.Conflict || error.code === ErrorCode.NotFound);
      if (terminal && !lost) {
        await this.failRemaining(scope, broadcast, error.message);
        return true;
      }
      if (!(error instanceof Interrupted)) {
        this.logger.warn(
          { broadcastId: broadcast.id, err: String(error) },
          'broadcast paused; it resumes when its lease is taken again',
        );
      }
      if (!lost) await this.store.release(broadcast.id, this.owner).catch(() => undefined);
      return false;
    } finally {
      clearInterval(renewal);
    }
  }

  /** Skips who cannot or must not be messaged; answers the rest (with inbox ids), in order. */
  private async resolve(
    identity: Identity,
    broadcast: BroadcastRow,
    batch: RecipientRow[],
  ): Promise<Array<RecipientRow & { inboxId: string }>> {
    const handled = await this.store.handledInboxIds(broadcast.id);
    const interrupted = batch.filter((r) => r.status === 'sending' && r.inboxId) as Array<
      RecipientRow & { inboxId: string }
    >;
    const fresh = batch.filter((r) => r.status === 'queued');
    const resolved = await this.hosting.use(identity, async (client) => {
      const inboxIds = new Map<number, string | null>();
      const addresses = fresh.filter((r) => ADDRESS.test(r.recipient));
      if (addresses.length > 0) {
        const reachable = await client.canMessage(
          addresses.map((r) => ({ identifier: r.recipient, identifierKind: IdentifierKind.Ethereum })),
        );
        for (const r of addresses) {
          inboxIds.set(
            r.position,
            reachable.get(r.recipient)
              ? await client.fetchInboxIdByIdentifier({
                  identifier: r.recipient,
                  identifierKind: IdentifierKind.Ethereum,
                })
              : null,
          );
        }
      }
      for (const r of fresh.filter((x) => !ADDRESS.test(x.recipient)))
        inboxIds.set(r.position, (await inboxExists(client, r.recipient)) ? r.recipient : null);
      const denied = new Set<string>();
      for (const id of new Set([...inboxIds.values()].filter((v): v is string => !!v))) {
        if ((await client.preferences.getConsentState(ConsentEntityType.InboxId, id)) === ConsentState.Denied)
          denied.add(id);
      }
      return { inboxIds, denied, self: client.inboxId };
    });

    const skipped: Record<string, number[]> = { not_on_xmtp: [], denied: [], duplicate: [], self: [] };
    const toSend: Array<RecipientRow & { inboxId: string }> = [...interrupted];
    for (const r of interrupted) handled.add(r.inboxId);
    for (const r of fresh) {
      const inboxId = resolved.inboxIds.get(r.position);
      if (!inboxId) skipped.not_on_xmtp!.push(r.position);
      else if (inboxId === resolved.self) skipped.self!.push(r.position);
      else if (resolved.denied.has(inboxId)) skipped.denied!.push(r.position);
      else if (handled.has(inboxId)) skipped.duplicate!.push(r.position);
      else {
        handled.add(inboxId);
        toSend.push({ ...r, inboxId });
      }
    }
    for (const [reason, positions] of Object.entries(skipped))
      await this.store.skipMany(broadcast.id, positions, reason);
    return toSend.sort((a, b) => a.position - b.position);
  }

  private async deliver(
    scope: TenantScope,
    identity: Identity,
    broadcast: BroadcastRow,
    recipient: RecipientRow & { inboxId: string },
  ): Promise<void> {
    const content = broadcast.content as BroadcastContent;
    for (let attempt = 1; ; attempt++) {
      try {
        if (recipient.status === 'sending') {
          const earlier = await this.findEarlierSend(identity, broadcast, recipient.inboxId, contentText(content));
          if (earlier) {
            await this.store.mark(broadcast.id, recipient.position, { status: 'sent', ...earlier });
            return;
          }
        } else {
          await this.store.mark(broadcast.id, recipient.position, { status: 'sending', inboxId: recipient.inboxId });
          recipient.status = 'sending';
        }
        const dm = await this.conversations.createDm(scope, identity.id, { peer: recipient.inboxId });
        const message = await this.messages.send(scope, identity.id, dm.id, { content });
        await this.store.mark(broadcast.id, recipient.position, {
          status: 'sent',
          conversationId: dm.id,
          messageId: message.id,
        });
        return;
      } catch (error) {
        if (error instanceof DomainError && error.code === ErrorCode.RateLimited) {
          const seconds = Number(error.details.retryAfterSeconds ?? 1);
          await new Promise((resolve) => setTimeout(resolve, Math.max(1, seconds) * 1000));
          continue;
        }
        if (
          error instanceof DomainError &&
          (error.code === ErrorCode.ServiceUnavailable || error.code === ErrorCode.Conflict)
        )
          throw error;
        if (attempt < 3 && !(error instanceof DomainError)) continue;
        const reason = (error instanceof Error ? error.message : String(error)).slice(0, 300);
        await this.store.mark(broadcast.id, recipient.position, { status: 'failed', reason });
        return;
      }
    }
  }

  /** The broadcast's message in the DM with `inboxId`, sent by this identity since the broadcast began (publishing it if it was left unpublished). */
  private async findEarlierSend(
    identity: Identity,
    broadcast: BroadcastRow,
    inboxId: string,
    text: string,
  ): Promise<{ conversationId: string; messageId: string } | undefined> {
    return this.hosting.use(
      identity,
      async (client) => {
        const dm = client.conversations.getDmByInboxId(inboxId);
        if (!dm) return undefined;
        const since = BigInt(broadcast.createdAt.getTime()) * 1_000_000n;
        const mine = (await dm.messages({ sentAfterNs: since })).find(
          (m) => m.senderInboxId === client.inboxId && m.content === text,
        );
        if (!mine) return undefined;
        await dm.publishMessages();
        return { conversationId: dm.id, messageId: mine.id };
      },
      { write: true },
    );
  }

  private async finish(scope: TenantScope, broadcast: BroadcastRow): Promise<void> {
    const counts = await this.store.counts(broadcast.id);
    const event: MailroomEvent = {
      id: `broadcast.completed:${broadcast.id}`,
      type: 'broadcast.completed',
      createdAt: new Date().toISOString(),
      tenantId: broadcast.tenantId,
      identityId: broadcast.identityId,
      data: {
        broadcastId: broadcast.id,
        total: broadcast.total,
        sent: counts.sent,
        skipped: counts.skipped,
        failed: counts.failed,
        skippedBy: counts.skippedBy,
      },
    };
    const done = await this.store.complete(broadcast.id, this.owner, (tx) => this.outbox.enqueue(scope, event, tx));
    if (done) this.logger.log({ broadcastId: broadcast.id, ...counts }, 'broadcast completed');
  }

  /** The identity can no longer send (deleted, broken): what is left fails with the reason, and the broadcast completes. */
  private async failRemaining(scope: TenantScope, broadcast: BroadcastRow, reason: string): Promise<void> {
    for (;;) {
      const rest = await this.store.pending(broadcast.id, 1_000);
      if (rest.length === 0) break;
      for (const r of rest)
        await this.store.mark(broadcast.id, r.position, { status: 'failed', reason: reason.slice(0, 300) });
    }
    await this.finish(scope, broadcast);
  }
}

async function inboxExists(client: XmtpSession<unknown>, inboxId: string): Promise<boolean> {
  try {
    const [state] = await client.preferences.fetchInboxStates([inboxId]);
    return !!state && state.installations.length > 0;
  } catch {
    return false;
  }
}
