import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { TenantScope } from '@mailroom/persistence';
import type { ConversationView, MemberView } from '../../conversations/conversation.presenter.js';
import { ConversationsService } from '../../conversations/conversations.service.js';
import { GqlAuthenticated, GqlTenant } from '../auth/gql-authenticated.decorator.js';
import type { GraphqlContext } from '../graphql-context.js';
import { ConnectionType, connectionComplexity, toConnection } from '../pagination/connection.js';
import { ConversationsArgs, CreateGroupInput, GroupMetadataInput, withoutNulls } from './messaging.inputs.js';
import { ConversationModel, MemberModel, MessageModel } from './messaging.models.js';

const ConversationConnection = ConnectionType(ConversationModel, 'Conversation');

/** A conversation as resolvers pass it on: the service's view plus the identity it was read for. */
export type ConversationParent = ConversationView & { identityId: string };

const forIdentity =
  (identityId: string) =>
  (view: ConversationView): ConversationParent => ({ ...view, identityId });

/** Fields that read the network (a sync, a member list) cost more than plain fields. */
const NETWORK_FIELD_COMPLEXITY = 5;
const MESSAGES = { scope: 'messages', identityArg: 'identityId' } as const;

@Resolver(() => ConversationModel)
export class ConversationsResolver {
  constructor(private readonly service: ConversationsService) {}

  @Query(() => ConversationConnection, {
    description: 'Conversations of an identity, newest first; allowed and unknown unless `consent` says otherwise.',
    complexity: connectionComplexity(50),
  })
  @GqlAuthenticated(MESSAGES)
  async conversations(@GqlTenant() scope: TenantScope, @Args() args: ConversationsArgs) {
    const page = await this.service.list(scope, args.identityId, {
      type: args.type ?? undefined,
      consent: args.consent ?? undefined,
      createdAfter: args.createdAfter ?? undefined,
      createdBefore: args.createdBefore ?? undefined,
      limit: args.first ?? undefined,
      cursor: args.after ?? undefined,
    });
    return toConnection({ items: page.items.map(forIdentity(args.identityId)), nextCursor: page.nextCursor });
  }

  @Query(() => ConversationModel)
  @GqlAuthenticated(MESSAGES)
  async conversation(
    @GqlTenant() scope: TenantScope,
    @Args('identityId') identityId: string,
    @Args('conversationId') conversationId: string,
  ) {
    return forIdentity(identityId)(await this.service.get(scope, identityId, conversationId));
  }

  @Mutation(() => ConversationModel, { description: 'Find or create the DM with a peer (address or inbox id).' })
  @GqlAuthenticated({ ...MESSAGES, write: true })
  async createDm(@GqlTenant() scope: TenantScope, @Args('identityId') identityId: string, @Args('peer') peer: string) {
    return forIdentity(identityId)(await this.service.createDm(scope, identityId, { peer }));
  }

  @Mutation(() => ConversationModel)
  @GqlAuthenticated({ ...MESSAGES, write: true })
  async createGroup(
    @GqlTenant() scope: TenantScope,
    @Args('identityId') identityId: string,
    @Args('input') input: CreateGroupInput,
  ) {
    return forIdentity(identityId)(
      await this.service.createGroup(scope, identityId, withoutNulls(input) as CreateGroupInput),
    );
  }

  @Mutation(() => ConversationModel, { description: "Change a group's name, description or image URL." })
  @GqlAuthenticated({ ...MESSAGES, write: true })
  async updateGroup(
    @GqlTenant() scope: TenantScope,
    @Args('identityId') identityId: string,
    @Args('conversationId') conversationId: string,
    @Args('input') input: GroupMetadataInput,
  ) {
    return forIdentity(identityId)(await this.service.update(scope, identityId, conversationId, withoutNulls(input)));
  }

  @Mutation(() => [MemberModel], { description: 'Add members (addresses or inbox ids); answers the members after.' })
  @GqlAuthenticated({ ...MESSAGES, write: true })
  async addMembers(
    @GqlTenant() scope: TenantScope,
    @Args('identityId') identityId: string,
    @Args('conversationId') conversationId: string,
    @Args('members', { type: () => [String] }) members: string[],
  ): Promise<MemberView[]> {
    return (await this.service.addMembers(scope, identityId, conversationId, { members })).items;
  }

  @Mutation(() => [MemberModel], { description: 'Remove members (addresses or inbox ids); answers the members after.' })
  @GqlAuthenticated({ ...MESSAGES, write: true })
  async removeMembers(
    @GqlTenant() scope: TenantScope,
    @Args('identityId') identityId: string,
    @Args('conversationId') conversationId: string,
    @Args('members', { type: () => [String] }) members: string[],
  ): Promise<MemberView[]> {
    return (await this.service.removeMembers(scope, identityId, conversationId, { members })).items;
  }

  @ResolveField('lastMessage', () => MessageModel, {
    nullable: true,
    description: 'The newest message (any content type), or null in an empty conversation.',
    complexity: NETWORK_FIELD_COMPLEXITY,
  })
  lastMessage(
    @Parent() conversation: ConversationParent,
    @GqlTenant() scope: TenantScope,
    @Context() context: GraphqlContext,
  ) {
    return context.loaders.lastMessages(scope, conversation.identityId).load(conversation.id);
  }

  @ResolveField('members', () => [MemberModel], { complexity: NETWORK_FIELD_COMPLEXITY })
  members(
    @Parent() conversation: ConversationParent,
    @GqlTenant() scope: TenantScope,
    @Context() context: GraphqlContext,
  ) {
    return context.loaders.members(scope, conversation.identityId).load(conversation.id);
  }
}
