import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@mailroom/persistence';
import {
  classifyXmtpError,
  ConversationType,
  GroupPermissionsOptions,
  XmtpGroup,
  type XmtpConversation,
  type XmtpSession,
} from '@mailroom/xmtp';
import { DomainError, ErrorCode, type FieldProblem } from '../../common/errors/index.js';
import { ConversationAccess } from './conversation-access.js';
import {
  CONSENT_NAMES,
  consentState,
  presentConversation,
  presentMember,
  type ConsentName,
  type ConversationView,
  type MemberView,
} from './conversation.presenter.js';
import { addressIdentifier, isAddress, parsePeer, parsePeers, validationFailed, type PeerRef } from './identifiers.js';
import { decodeCursor, takePage } from './page-cursor.js';
import { xmtpCall } from './xmtp-errors.js';
import { ReceivedMessageCounter, type SyncedReceipts } from '../usage/received-messages.js';

/** XMTP's group size limit, counting every member including the identity itself. */
export const MAX_GROUP_MEMBERS = 250;
export const MAX_CAN_MESSAGE_IDENTIFIERS = 100;
const MAX_NAME = 100;
const MAX_DESCRIPTION = 1_000;
const MAX_IMAGE_URL = 2_048;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ListConversationsInput {
  type?: 'dm' | 'group';
  /** Default: allowed and unknown (denied conversations are hidden unless asked for). */
  consent?: ConsentName[];
  createdAfter?: Date;
  createdBefore?: Date;
  limit?: number;
  cursor?: string;
}

export interface GroupMetadataInput {
  name?: string;
  description?: string;
  imageUrl?: string;
}

export interface CreateGroupInput extends GroupMetadataInput {
  /** Addresses or inbox ids, not counting the identity itself. */
  members: string[];
  permissions?: 'default' | 'admin_only';
}

type Role = 'admin' | 'super_admin';

const msToNs = (date: Date) => BigInt(date.getTime()) * 1_000_000n;

@Injectable()
export class ConversationsService {
  constructor(
    private readonly access: ConversationAccess,
    private readonly received: ReceivedMessageCounter,
  ) {}

  async list(
    scope: TenantScope,
    identityId: string,
    input: ListConversationsInput = {},
  ): Promise<Page<ConversationView>> {
    const limit = input.limit ?? 50;
    const consent = input.consent?.length ? input.consent : (['allowed', 'unknown'] as ConsentName[]);
    const bad = consent.filter((c) => !CONSENT_NAMES.includes(c));
    if (bad.length)
      throw validationFailed([{ field: 'consent', message: `must be among ${CONSENT_NAMES.join(', ')}` }]);
    const cursor = decodeCursor(input.cursor, 'desc');
    const before = [
      cursor ? cursor.ns + 1n : undefined,
      input.createdBefore ? msToNs(input.createdBefore) : undefined,
    ].filter((v): v is bigint => v !== undefined);
    const fetchLimit = limit + 1 + (cursor?.seen.length ?? 0);
    return this.access.withClient(scope, identityId, async (client) => {
      const conversations = await client.conversations.list({
        consentStates: consent.map(consentState),
        conversationType:
          input.type === 'dm' ? ConversationType.Dm : input.type === 'group' ? ConversationType.Group : undefined,
        createdAfterNs: input.createdAfter ? msToNs(input.createdAfter) : undefined,
        createdBeforeNs: before.length ? before.reduce((a, b) => (a < b ? a : b)) : undefined,
        limit: fetchLimit,
      });
      const ordered = conversations.sort((a, b) =>
        a.createdAtNs === b.createdAtNs ? a.id.localeCompare(b.id) : a.createdAtNs > b.createdAtNs ? -1 : 1,
      );
      const page = takePage(ordered, limit, cursor, 'desc', (c) => ({ ns: c.createdAtNs, id: c.id }), fetchLimit);
      return { items: page.items.map(presentConversation), nextCursor: page.nextCursor };
    });
  }

  /** Syncs the one conversation (metadata, members) and returns it. */
  async get(scope: TenantScope, identityId: string, conversationId: string): Promise<ConversationView> {
    let receipts: SyncedReceipts | undefined;
    const view = await this.access.withConversation(
      scope,
      identityId,
      conversationId,
      async (conversation, client) => {
        await syncUnlessInactive(conversation);
        receipts = await this.received.readSynced(scope, identityId, client, conversation);
        return presentConversation(conversation);
      },
      { write: true },
    );
    await this.received.record(receipts);
    return view;
  }

  async createDm(scope: TenantScope, identityId: string, input: { peer: string }): Promise<ConversationView> {
    const peer = parsePeer(input.peer, 'peer');
    return this.access.withClient(
      scope,
      identityId,
      async (client) => {
        const inboxId = await this.resolveOne(client, peer, 'peer');
        if (inboxId === client.inboxId) throw validationFailed([{ field: 'peer', message: 'is this identity itself' }]);
        const dm = await xmtpCall('create the DM', () => client.conversations.createDm(inboxId));
        return presentConversation(dm);
      },
      { write: true },
    );
  }

  async createGroup(scope: TenantScope, identityId: string, input: CreateGroupInput): Promise<ConversationView> {
    const members = this.checkMembers(input.members, 'members', 0);
    checkMetadata(input);
    if (input.permissions !== undefined && input.permissions !== 'default' && input.permissions !== 'admin_only') {
      throw validationFailed([{ field: 'permissions', message: 'must be default or admin_only' }]);
    }
    return this.access.withClient(
      scope,
      identityId,
      async (client) => {
        const inboxIds = (await this.resolveAll(client, members, 'members')).filter((id) => id !== client.inboxId);
        const group = await xmtpCall('create the group', () =>
          client.conversations.createGroup([...new Set(inboxIds)], {
            permissions:
              input.permissions === 'admin_only' ? GroupPermissionsOptions.AdminOnly : GroupPermissionsOptions.Default,
            groupName: input.name,
            groupDescription: input.description,
            groupImageUrlSquare: input.imageUrl,
          }),
        );
        return presentConversation(group);
      },
      { write: true },
    );
  }

  async update(
    scope: TenantScope,
    identityId: string,
    conversationId: string,
    input: GroupMetadataInput,
  ): Promise<ConversationView> {
    checkMetadata(input);
    return this.access.withGroup(
      scope,
      identityId,
      conversationId,
      async (group) => {
        await group.sync();
        assertMember(group);
        if (input.name !== undefined && input.name !== group.name)
          await xmtpCall('rename the group', () => group.updateName(input.name!));
        if (input.description !== undefined && input.description !== group.description) {
          await xmtpCall('change the description', () => group.updateDescription(input.description!));
        }
        if (input.imageUrl !== undefined && input.imageUrl !== group.imageUrl)
          await xmtpCall('change the image', () => group.updateImageUrl(input.imageUrl!));
        return presentConversation(group);
      },
      { write: true },
    );
  }

  async listMembers(scope: TenantScope, identityId: string, conversationId: string): Promise<{ items: MemberView[] }> {
    return this.access.withConversation(
      scope,
      identityId,
      conversationId,
      async (conversation) => {
        await syncUnlessInactive(conversation);
        return { items: (await conversation.members()).map(presentMember) };
      },
      { write: true },
    );
  }

  async addMembers(
    scope: TenantScope,
    identityId: string,
    conversationId: string,
    input: { members: string[] },
  ): Promise<{ items: MemberView[] }> {
    const peers = this.checkMembers(input.members, 'members', 1);
    return this.access.withGroup(
      scope,
      identityId,
      conversationId,
      async (group, client) => {
        await group.sync();
        assertMember(group);
        const current = new Set((await group.members()).map((m) => m.inboxId));
        const adding = [...new Set(await this.resolveAll(client, peers, 'members'))].filter((id) => !current.has(id));
        if (current.size + adding.length > MAX_GROUP_MEMBERS) {
          throw validationFailed([
            {
              field: 'members',
              message: `would make the group ${current.size + adding.length} members; the limit is ${MAX_GROUP_MEMBERS}`,
            },
          ]);
        }
        if (adding.length) await xmtpCall('add members', () => group.addMembers(adding));
        return { items: (await group.members()).map(presentMember) };
      },
      { write: true },
    );
  }

  async removeMembers(
    scope: TenantScope,
    identityId: string,
    conversationId: string,
    input: { members: string[] },
  ): Promise<{ items: MemberView[] }> {
    const peers = this.checkMembers(input.members, 'members', 1);
    return this.access.withGroup(
      scope,
      identityId,
      conversationId,
      async (group, client) => {
        await group.sync();
        assertMember(group);
        const current = new Set((await group.members()).map((m) => m.inboxId));
        const removing = [...new Set(await this.resolveAll(client, peers, 'members'))].filter((id) => current.has(id));
        if (removing.includes(client.inboxId)) {
          throw validationFailed([
            { field: 'members', message: 'includes this identity; use POST …/leave to leave a group' },
          ]);
        }
        if (removing.length) await xmtpCall('remove members', () => group.removeMembers(removing));
        return { items: (await group.members()).map(presentMember) };
      },
      { write: true },
    );
  }

  /** Grants (`grant: true`) or revokes admin or super-admin status; members must already be in the group. */
  async setRole(
    scope: TenantScope,
    identityId: string,
    conversationId: string,
    input: { members: string[]; role: Role; grant: boolean },
  ): Promise<ConversationView> {
    const peers = this.checkMembers(input.members, 'members', 1);
    return this.access.withGroup(
      scope,
      identityId,
      conversationId,
      async (group, client) => {
        await group.sync();
        assertMember(group);
        const current = new Set((await group.members()).map((m) => m.inboxId));
        const inboxIds = [...new Set(await this.resolveAll(client, peers, 'members'))];
        const strangers = inboxIds.filter((id) => !current.has(id));
        if (strangers.length)
          throw validationFailed(
            strangers.map((id) => ({ field: 'members', message: `${id} is not a member of the group` })),
          );
        const has = (id: string) => (input.role === 'admin' ? group.isAdmin(id) : group.isSuperAdmin(id));
        for (const id of inboxIds) {
          if (has(id) === input.grant) continue;
          const what = `${input.grant ? 'grant' : 'revoke'} ${input.role.replace('_', '-')}`;
          if (input.role === 'admin')
            await xmtpCall(what, () => (input.grant ? group.addAdmin(id) : group.removeAdmin(id)));
          else await xmtpCall(what, () => (input.grant ? group.addSuperAdmin(id) : group.removeSuperAdmin(id)));
        }
        return presentConversation(group);
      },
      { write: true },
    );
  }

  /** Asks to leave the group; sending into it answers 409 from now on. */
  async leave(scope: TenantScope, identityId: string, conversationId: string): Promise<ConversationView> {
    return this.access.withGroup(
      scope,
      identityId,
      conversationId,
      async (group) => {
        await group.sync();
        assertMember(group);
        await xmtpCall('leave the group', () => group.requestRemoval());
        return presentConversation(group);
      },
      { write: true },
    );
  }

  async canMessage(
    scope: TenantScope,
    identityId: string,
    input: { identifiers: string[] },
  ): Promise<{ results: Record<string, boolean> }> {
    const identifiers = input.identifiers ?? [];
    if (!Array.isArray(identifiers) || identifiers.length === 0 || identifiers.length > MAX_CAN_MESSAGE_IDENTIFIERS) {
      throw validationFailed([
        { field: 'identifiers', message: `must hold 1 to ${MAX_CAN_MESSAGE_IDENTIFIERS} addresses` },
      ]);
    }
    const problems: FieldProblem[] = [];
    identifiers.forEach((value, i) => {
      if (!isAddress(value))
        problems.push({ field: `identifiers.${i}`, message: 'must be an Ethereum address (0x + 40 hex)' });
    });
    if (problems.length) throw validationFailed(problems);
    return this.access.withClient(scope, identityId, async (client) => {
      const answers = await client.canMessage(identifiers.map(addressIdentifier));
      return {
        results: Object.fromEntries(identifiers.map((value) => [value, answers.get(value.toLowerCase()) ?? false])),
      };
    });
  }

  private checkMembers(values: unknown, field: string, min: number): PeerRef[] {
    if (!Array.isArray(values) || values.length < min)
      throw validationFailed([{ field, message: min ? `must list at least ${min} member` : 'must be an array' }]);
    if (values.length > MAX_GROUP_MEMBERS) {
      throw validationFailed([
        { field, message: `lists ${values.length} members; a group holds at most ${MAX_GROUP_MEMBERS}` },
      ]);
    }
    return parsePeers(values, field);
  }

  private async resolveOne(client: XmtpSession<unknown>, peer: PeerRef, field: string): Promise<string> {
    return (await this.resolveAll(client, [peer], field, false))[0]!;
  }

  /** Addresses → inbox ids (one lookup each, in parallel); inbox ids are checked to exist on the network. */
  private async resolveAll(
    client: XmtpSession<unknown>,
    peers: PeerRef[],
    field: string,
    indexed = true,
  ): Promise<string[]> {
    const problems: FieldProblem[] = [];
    const fieldOf = (i: number) => (indexed ? `${field}.${i}` : field);
    const resolved = await Promise.all(
      peers.map(async (peer, i) => {
        if (peer.kind === 'address') {
          const inboxId = await client.fetchInboxIdByIdentifier(addressIdentifier(peer.address));
          if (!inboxId) problems.push({ field: fieldOf(i), message: `${peer.address} is not registered on XMTP` });
          return inboxId ?? '';
        }
        return peer.inboxId;
      }),
    );
    const inboxIds = [
      ...new Set(peers.filter((p) => p.kind === 'inboxId').map((p) => (p as { inboxId: string }).inboxId)),
    ].filter((id) => id !== client.inboxId);
    // One lookup per inbox: the network answers a batch with one unknown inbox as a whole failure.
    const known = new Set(
      (
        await Promise.all(
          inboxIds.map(async (id) => {
            try {
              const [state] = await client.preferences.fetchInboxStates([id]);
              return state && state.installations.length > 0 ? id : undefined;
            } catch (error) {
              if (classifyXmtpError(error) === 'unknown_inbox') return undefined;
              throw error;
            }
          }),
        )
      ).filter((id): id is string => id !== undefined),
    );
    peers.forEach((peer, i) => {
      if (peer.kind === 'inboxId' && peer.inboxId !== client.inboxId && !known.has(peer.inboxId)) {
        problems.push({ field: fieldOf(i), message: `inbox ${peer.inboxId} is not registered on XMTP` });
      }
    });
    if (problems.length) {
      throw new DomainError(ErrorCode.Unprocessable, problems.map((p) => `${p.field}: ${p.message}`).join('; '), {
        errors: problems,
      });
    }
    return resolved;
  }
}

function checkMetadata(input: GroupMetadataInput): void {
  const problems: FieldProblem[] = [];
  const check = (field: keyof GroupMetadataInput, max: number) => {
    const value = input[field];
    if (value === undefined) return;
    if (typeof value !== 'string') problems.push({ field, message: 'must be a string' });
    else if (value.length > max) problems.push({ field, message: `must be at most ${max} characters` });
  };
  check('name', MAX_NAME);
  check('description', MAX_DESCRIPTION);
  check('imageUrl', MAX_IMAGE_URL);
  if (typeof input.imageUrl === 'string' && input.imageUrl !== '' && !/^https?:\/\/\S+$/i.test(input.imageUrl)) {
    problems.push({ field: 'imageUrl', message: 'must be an http(s) URL' });
  }
  if (problems.length) throw validationFailed(problems);
}

/** Syncs one conversation; a group the identity left can no longer sync, and its stored state is still readable. */
export async function syncUnlessInactive(conversation: XmtpConversation<unknown>): Promise<void> {
  try {
    await conversation.sync();
  } catch (error) {
    if (conversation.isActive) throw error;
  }
}

/** 409 once the identity left the group (or asked to, or was removed). */
/**
 * The check before a send: a group the identity asked to leave answers 409. Whether the installation is still an
 * active member is left to the send itself, which refuses an inactive conversation (xmtpCall maps that to the same
 * 409), so the hot path does not read the group's state twice.
 */
export function assertMaySend(conversation: XmtpConversation<unknown>): void {
  if (conversation instanceof XmtpGroup && conversation.isPendingRemoval()) {
    throw new DomainError(ErrorCode.Conflict, `The identity has left conversation ${conversation.id}.`);
  }
}

export function assertMember(conversation: XmtpConversation<unknown>): void {
  if (!conversation.isActive || (conversation instanceof XmtpGroup && conversation.isPendingRemoval())) {
    throw new DomainError(ErrorCode.Conflict, `The identity has left conversation ${conversation.id}.`);
  }
}
