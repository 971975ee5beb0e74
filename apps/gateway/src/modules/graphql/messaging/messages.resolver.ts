import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { TenantScope } from '@mailroom/persistence';
import { MessagesService } from '../../messages/messages.service.js';
import { GqlAuthenticated, GqlTenant } from '../auth/gql-authenticated.decorator.js';
import { GqlIdempotent } from '../idempotency/gql-idempotent.decorator.js';
import { ConnectionType, connectionComplexity, toConnection } from '../pagination/connection.js';
import { MessageContentInput, MessagesArgs, withoutNulls } from './messaging.inputs.js';
import { MessageModel } from './messaging.models.js';

const MessageConnection = ConnectionType(MessageModel, 'Message');

@Resolver(() => MessageModel)
export class MessagesResolver {
  constructor(private readonly service: MessagesService) {}

  @Query(() => MessageConnection, {
    description: 'Messages of a conversation, newest first unless `direction: asc`.',
    complexity: connectionComplexity(50),
  })
  @GqlAuthenticated({ scope: 'messages', identityArg: 'identityId' })
  async messages(@GqlTenant() scope: TenantScope, @Args() args: MessagesArgs) {
    return toConnection(
      await this.service.list(scope, args.identityId, args.conversationId, {
        limit: args.first ?? undefined,
        cursor: args.after ?? undefined,
        direction: args.direction ?? undefined,
        contentTypes: args.contentTypes ?? undefined,
      }),
    );
  }

  @Mutation(() => MessageModel, { description: 'Send text, markdown, a reply, a reaction or a read receipt.' })
  @GqlAuthenticated({ scope: 'messages', identityArg: 'identityId', write: true })
  @GqlIdempotent()
  sendMessage(
    @GqlTenant() scope: TenantScope,
    @Args('identityId') identityId: string,
    @Args('conversationId') conversationId: string,
    @Args('content') content: MessageContentInput,
    @Args('idempotencyKey', {
      type: () => String,
      nullable: true,
      description: 'Retry-safe key, as the REST Idempotency-Key.',
    })
    _idempotencyKey: string | undefined,
  ) {
    return this.service.send(scope, identityId, conversationId, { content: withoutNulls(content) });
  }
}
