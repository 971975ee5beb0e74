import {
  ConsentState,
  GroupMessageKind,
  noteStreamedMessage,
  SortDirection,
  type XmtpConsent,
  type XmtpConversation,
  type XmtpDecodedMessage,
  type XmtpSession,
  type XmtpStream,
} from '@mailroom/xmtp';
import type { Identity } from '@mailroom/persistence';
import { conversationEvent, consentEvent, messageEvent, type EventOwner } from './event-normaliser.js';
import type { IdentityEventLog } from './identity-event-log.js';

/** Conversations whose events are emitted: denied ones emit nothing. */
const VISIBLE = [ConsentState.Allowed, ConsentState.Unknown];
const NEW_CONVERSATION_CATCH_UP_MS = 750;

export interface PipelineDeps {
  /** Runs `fn` with the identity's live client (IdentityHosting.use). */
  use<T>(row: Identity, fn: (client: XmtpSession<unknown>) => Promise<T>, options?: { write?: boolean }): Promise<T>;
  readonly logger: { warn(obj: object, msg: string): void; debug(obj: object, msg: string): void };
  /** SDK stream retries before the stream is given up (then the pipeline ends and the supervisor restarts it). */
  readonly streamRetryAttempts: number;
  readonly streamRetryDelayMs: number;
  /** The pipeline stopped by itself (its streams ended or catch-up failed); not called after stop(). */
  onEnded(pipeline: IdentityPipeline, reason: string): void;
  /** An SDK stream of the pipeline reconnected by itself (the pipeline catches up and goes on). */
  onStreamRestarted?(): void;
}

type Item =
  | { kind: 'message'; value: XmtpDecodedMessage<unknown> }
  | { kind: 'conversation'; value: XmtpConversation<unknown> }
  | { kind: 'consent'; value: XmtpConsent[] };

/**
 * One identity's live event session in the process that owns it: streams (all messages, new conversations,
 * consent) opened first and buffered, a catch-up from the cursor (sync, then everything after the replay floor,
 * ordered by sent-at), then the buffer and live values. Catch-ups run again when a stream restarts and on the
 * reconciliation timer; the event log's dedupe makes overlaps harmless.
 */
export class IdentityPipeline {
  readonly #streams: XmtpStream<unknown>[] = [];
  #owner: EventOwner | undefined;
  #buffer: Item[] | undefined = [];
  #stopped = false;
  #catchUp: Promise<void> | undefined;
  #catchUpAgain = false;
  #catchUpTimer: NodeJS.Timeout | undefined;
  /** Every message sent before this was fetched by a completed catch-up (undefined until the first completes). */
  #coveredThroughNs: bigint | undefined;
  lastCatchUpMs = 0;

  constructor(
    readonly row: Identity,
    readonly log: IdentityEventLog,
    private readonly deps: PipelineDeps,
  ) {}

  get identityId(): string {
    return this.row.id;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Opens the streams, replays from the cursor, then goes live. Throws if the identity cannot be activated here. */
  async start(): Promise<void> {
    await this.deps.use(this.row, async (client) => {
      this.#owner = { tenantId: this.row.tenantId, identityId: this.row.id, inboxId: client.inboxId };
      await this.#openStreams(client);
    });
    try {
      await this.catchUp();
    } catch (error) {
      this.stop();
      throw error;
    }
    const buffered = this.#buffer ?? [];
    this.#buffer = undefined;
    buffered.sort((a, b) => Number(positionOf(a) - positionOf(b)));
    for (const item of buffered) this.#handle(item);
  }

  /** Syncs and replays everything after the replay floor; concurrent requests share one run (plus one more after). */
  catchUp(): Promise<void> {
    if (this.#catchUp) {
      this.#catchUpAgain = true;
      return this.#catchUp;
    }
    this.#catchUp = (async () => {
      try {
        do {
          this.#catchUpAgain = false;
          await this.#replay();
        } while (this.#catchUpAgain && !this.#stopped);
      } finally {
        this.#catchUp = undefined;
      }
    })();
    return this.#catchUp;
  }

  #catchUpSoon(): void {
    if (this.#catchUpTimer || this.#stopped) return;
    this.#catchUpTimer = setTimeout(() => {
      this.#catchUpTimer = undefined;
      void this.catchUp().catch((error: unknown) => this.#end(`catch-up failed: ${String(error)}`));
    }, NEW_CONVERSATION_CATCH_UP_MS);
    this.#catchUpTimer.unref();
  }

  /** Ends the streams (the client is closing, demand is gone, or shutdown). Emitted events still commit. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#catchUpTimer) clearTimeout(this.#catchUpTimer);
    for (const stream of this.#streams.splice(0)) void stream.end().catch(() => undefined);
  }

  async #replay(): Promise<void> {
    if (this.#stopped) return;
    const started = performance.now();
    const syncStartedNs = BigInt(Date.now()) * 1_000_000n;
    await this.deps.use(
      this.row,
      async (client) => {
        await client.conversations.syncAll(VISIBLE);
        const conversations = await client.conversations.list({ consentStates: VISIBLE });
        const conversationsFloor = this.log.conversationsFloorNs();
        const messagesFloor = this.log.replayFloorNs(this.#coveredThroughNs);
        const items: Item[] = conversations
          .filter((conversation) => conversation.createdAtNs > conversationsFloor)
          .map((value) => ({ kind: 'conversation', value }));
        for (const conversation of conversations) {
          const messages = await conversation.messages({
            sentAfterNs: messagesFloor,
            direction: SortDirection.Ascending,
            kind: GroupMessageKind.Application,
          });
          for (const value of messages) items.push({ kind: 'message', value });
        }
        items.sort((a, b) => Number(positionOf(a) - positionOf(b)));
        for (const item of items) this.#handle(item);
      },
      { write: true },
    );
    this.#coveredThroughNs = syncStartedNs;
    this.lastCatchUpMs = performance.now() - started;
  }

  async #openStreams(client: XmtpSession<unknown>): Promise<void> {
    const options = (label: string) => ({
      disableSync: true,
      retryAttempts: this.deps.streamRetryAttempts,
      retryDelay: this.deps.streamRetryDelayMs,
      onError: (error: Error) =>
        this.deps.logger.warn({ identityId: this.row.id, stream: label, err: error.message }, 'XMTP stream error'),
      onFail: () =>
        this.deps.logger.warn({ identityId: this.row.id, stream: label }, 'XMTP stream failed; the SDK retries it'),
      // Whatever flowed while the stream was down is fetched by a catch-up.
      onRestart: () => {
        this.deps.logger.debug({ identityId: this.row.id, stream: label }, 'XMTP stream restarted; catching up');
        this.deps.onStreamRestarted?.();
        void this.catchUp().catch((error: unknown) => this.#end(`catch-up after restart failed: ${String(error)}`));
      },
    });
    const messages = await client.conversations.streamAllMessages({ ...options('messages'), consentStates: VISIBLE });
    const conversations = await client.conversations.stream(options('conversations'));
    const consent = await client.preferences.streamConsent(options('consent'));
    this.#streams.push(
      messages as XmtpStream<unknown>,
      conversations as XmtpStream<unknown>,
      consent as XmtpStream<unknown>,
    );
    this.#drain('messages', messages, (value) => {
      noteStreamedMessage(client, value);
      return { kind: 'message', value };
    });
    this.#drain('conversations', conversations, (value) => ({ kind: 'conversation', value }));
    this.#drain('consent', consent, (value) => ({ kind: 'consent', value }));
  }

  #drain<V>(label: string, stream: XmtpStream<V>, wrap: (value: V) => Item): void {
    void (async () => {
      try {
        for await (const value of stream) {
          if (this.#stopped) break;
          if (value === undefined) continue;
          const item = wrap(value);
          if (this.#buffer) this.#buffer.push(item);
          else this.#handle(item);
        }
        this.#end(`${label} stream ended`);
      } catch (error) {
        this.#end(`${label} stream failed: ${String(error)}`);
      }
    })();
  }

  #end(reason: string): void {
    if (this.#stopped) return;
    this.stop();
    this.deps.onEnded(this, reason);
  }

  #handle(item: Item): void {
    const owner = this.#owner;
    if (!owner || this.#stopped) return;
    switch (item.kind) {
      case 'message': {
        const message = item.value;
        if (message.kind !== GroupMessageKind.Application) return;
        this.log.emit(messageEvent(owner, message), { axis: 'messages', ns: message.sentAtNs });
        return;
      }
      case 'conversation': {
        const conversation = item.value;
        if (conversation.consentState() === ConsentState.Denied) return;
        if (
          this.log.emit(conversationEvent(owner, conversation), { axis: 'conversations', ns: conversation.createdAtNs })
        ) {
          // A new conversation's first messages can slip past the messages stream while it subscribes to it.
          this.#catchUpSoon();
        }
        return;
      }
      case 'consent': {
        const observedAt = new Date();
        for (const consent of item.value) this.log.emit(consentEvent(owner, consent, observedAt), { axis: 'none' });
        return;
      }
    }
  }
}

function positionOf(item: Item): bigint {
  if (item.kind === 'message') return item.value.sentAtNs;
  if (item.kind === 'conversation') return item.value.createdAtNs;
  return 0n;
}
