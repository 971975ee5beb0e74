import { Injectable } from '@nestjs/common';
import type { Identity, TenantScope } from '@mailroom/persistence';
import { XmtpGroup, type XmtpConversation, type XmtpSession } from '@mailroom/xmtp';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { IdentitiesService } from '../identities/identities.service.js';
import { IdentityHosting } from '../identities/identity-hosting.js';
import { ConversationFreshness } from './conversation-freshness.js';
import { ConversationHandles } from './conversation-handles.js';

const CONVERSATION_ID = /^[0-9a-f]{1,128}$/;
/**
 * Active identity rows are reused for this long, saving a Postgres round trip (and Prisma's work) on hot send paths. A
 * deleted identity cannot be reached through a stale row: deletion destroys its pool entry first, so use() fails; an
 * identity found broken is broken because its client could not open, so use() fails too.
 */
const IDENTITY_ROW_TTL_MS = 5_000;
const IDENTITY_ROW_CACHE_MAX = 10_000;

export interface AccessOptions {
  /** Runs in the identity's serialized write queue: anything that syncs, sends or changes state. */
  write?: boolean;
}

/**
 * The one way the messaging services reach XMTP: resolves the tenant's identity (404 across tenants), runs work with
 * its live client, and finds a conversation by id (syncing welcomes once on a miss before answering 404).
 */
@Injectable()
export class ConversationAccess {
  constructor(
    private readonly identities: IdentitiesService,
    private readonly hosting: IdentityHosting,
    private readonly freshness: ConversationFreshness,
  ) {}

  private readonly rows = new Map<string, { row: Identity; expires: number }>();
  private readonly handles = new ConversationHandles();

  async identity(scope: TenantScope, identityId: string): Promise<Identity> {
    const key = `${scope.tenantId}/${identityId}`;
    const cached = this.rows.get(key);
    let row: Identity;
    if (cached && cached.expires > Date.now()) {
      row = cached.row;
    } else {
      row = await this.identities.requireActive(scope, identityId);
      if (this.rows.size >= IDENTITY_ROW_CACHE_MAX) this.rows.clear();
      this.rows.set(key, { row, expires: Date.now() + IDENTITY_ROW_TTL_MS });
    }
    await this.freshness.touch(row);
    return row;
  }

  async withClient<T>(
    scope: TenantScope,
    identityId: string,
    work: (client: XmtpSession<unknown>) => Promise<T> | T,
    options: AccessOptions = {},
  ): Promise<T> {
    const row = await this.identity(scope, identityId);
    return this.hosting.use(row, work, options);
  }

  async withConversation<T>(
    scope: TenantScope,
    identityId: string,
    conversationId: string,
    work: (conversation: XmtpConversation<unknown>, client: XmtpSession<unknown>) => Promise<T> | T,
    options: AccessOptions = {},
  ): Promise<T> {
    const id = conversationId.toLowerCase();
    if (!CONVERSATION_ID.test(id)) throw notFound(conversationId);
    const row = await this.identity(scope, identityId);
    const attempt = () =>
      this.hosting.use(
        row,
        async (client) => {
          const conversation = await this.handles.find(client, id);
          return conversation
            ? { found: true as const, value: await work(conversation, client) }
            : { found: false as const };
        },
        options,
      );
    let result = await attempt();
    if (!result.found && (await this.freshness.resyncOnMiss(row))) result = await attempt();
    if (!result.found) throw notFound(conversationId);
    return result.value;
  }

  /** Like withConversation, for group-only operations (409 on a DM). */
  withGroup<T>(
    scope: TenantScope,
    identityId: string,
    conversationId: string,
    work: (group: XmtpGroup<unknown>, client: XmtpSession<unknown>) => Promise<T> | T,
    options: AccessOptions = {},
  ): Promise<T> {
    return this.withConversation(
      scope,
      identityId,
      conversationId,
      (conversation, client) => {
        if (!(conversation instanceof XmtpGroup)) {
          throw new DomainError(
            ErrorCode.Conflict,
            `Conversation ${conversationId} is a DM; this operation needs a group.`,
          );
        }
        return work(conversation, client);
      },
      options,
    );
  }
}

function notFound(conversationId: string): DomainError {
  return new DomainError(ErrorCode.NotFound, `No conversation ${conversationId} for this identity.`);
}
