import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import type { TenantScope } from '@mailroom/persistence';
import type { MessageView } from '@mailroom/xmtp';
import type { MemberView } from '../conversations/conversation.presenter.js';
import { ConversationsService } from '../conversations/conversations.service.js';
import { IdentitiesService } from '../identities/identities.service.js';
import type { InboxStateView } from '../identities/identity.presenter.js';
import { MessagesService } from '../messages/messages.service.js';

type BatchResult<V> = (V | Error)[];

/**
 * The DataLoaders of one GraphQL request. Each loader collects the keys asked for while one level of the query
 * resolves and answers them in one batch; results are cached for the rest of the request only, so a conversation
 * named twice in a query is read once.
 */
export class RequestLoaders {
  private readonly byName = new Map<string, DataLoader<never, unknown>>();

  constructor(private readonly services: LoaderServices) {}

  /** `Identity.inboxState` by identity id. */
  inboxStates(scope: TenantScope): DataLoader<string, InboxStateView | null> {
    return this.loader(`inboxStates:${scope.tenantId}`, (ids: readonly string[]) =>
      this.services.inboxStates(scope, ids),
    );
  }

  /** `Conversation.lastMessage` by conversation id, for one identity. */
  lastMessages(scope: TenantScope, identityId: string): DataLoader<string, MessageView | null> {
    return this.loader(`lastMessages:${scope.tenantId}:${identityId}`, (ids: readonly string[]) =>
      this.services.lastMessages(scope, identityId, ids),
    );
  }

  /** `Conversation.members` by conversation id, for one identity. */
  members(scope: TenantScope, identityId: string): DataLoader<string, MemberView[]> {
    return this.loader(`members:${scope.tenantId}:${identityId}`, (ids: readonly string[]) =>
      this.services.members(scope, identityId, ids),
    );
  }

  private loader<K, V>(name: string, batch: (keys: readonly K[]) => Promise<BatchResult<V>>): DataLoader<K, V> {
    let loader = this.byName.get(name) as DataLoader<K, V> | undefined;
    if (!loader) {
      loader = new DataLoader<K, V>(batch, { maxBatchSize: 100 });
      this.byName.set(name, loader as DataLoader<never, unknown>);
    }
    return loader;
  }
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/** Answers each key in order, with its value or its own error (one failing key does not fail the batch). */
function eachKey<K, V>(keys: readonly K[], lookup: (key: K) => Promise<V>): Promise<BatchResult<V>> {
  return Promise.all(keys.map((key) => lookup(key).catch(asError)));
}

/**
 * The batch functions behind the loaders. The services answer one key a call, so a batch runs its distinct keys
 * concurrently (the installation pool shares one client activation among them); `batches` and `lookups` count both
 * so tests and metrics can see what a query cost.
 */
@Injectable()
export class LoaderServices {
  readonly batches = new Map<string, number>();
  readonly lookups = new Map<string, number>();

  constructor(
    private readonly identities: IdentitiesService,
    private readonly conversations: ConversationsService,
    private readonly messages: MessagesService,
  ) {}

  inboxStates(scope: TenantScope, ids: readonly string[]): Promise<BatchResult<InboxStateView | null>> {
    this.count('inboxStates', ids.length);
    return eachKey(ids, async (id) => (await this.identities.get(scope, id)).inboxState);
  }

  lastMessages(
    scope: TenantScope,
    identityId: string,
    conversationIds: readonly string[],
  ): Promise<BatchResult<MessageView | null>> {
    this.count('lastMessages', conversationIds.length);
    return eachKey(
      conversationIds,
      async (id) => (await this.messages.list(scope, identityId, id, { limit: 1, direction: 'desc' })).items[0] ?? null,
    );
  }

  members(
    scope: TenantScope,
    identityId: string,
    conversationIds: readonly string[],
  ): Promise<BatchResult<MemberView[]>> {
    this.count('members', conversationIds.length);
    return eachKey(conversationIds, async (id) => (await this.conversations.listMembers(scope, identityId, id)).items);
  }

  createRequestLoaders(): RequestLoaders {
    return new RequestLoaders(this);
  }

  private count(name: string, keys: number): void {
    this.batches.set(name, (this.batches.get(name) ?? 0) + 1);
    this.lookups.set(name, (this.lookups.get(name) ?? 0) + keys);
  }
}
