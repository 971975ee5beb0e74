import { Args, ID, Resolver, Subscription } from '@nestjs/graphql';
import type { TenantScope } from '@mailroom/persistence';
import { GqlAuthenticated, GqlTenant } from '../graphql/auth/gql-authenticated.decorator.js';
import { ConsentRecordModel, ConversationModel, MessageModel } from '../graphql/messaging/messaging.models.js';
import type { MailroomEvent } from '../events/mailroom-event.js';
import { RealtimeSubscriptionsService } from './realtime-subscriptions.service.js';

const payload = (event: MailroomEvent) => event.data;

/** GraphQL subscriptions over graphql-ws; each one listens to one identity's own topic. */
@Resolver()
export class RealtimeResolver {
  constructor(private readonly subscriptions: RealtimeSubscriptionsService) {}

  @Subscription(() => MessageModel, {
    description:
      "New messages of the identity's allowed and unknown-consent conversations: received ones and its own sent ones.",
    resolve: payload,
  })
  @GqlAuthenticated({ scope: 'messages', identityArg: 'identityId' })
  messageReceived(
    @GqlTenant() scope: TenantScope,
    @Args('identityId', { type: () => ID }) identityId: string,
    @Args('conversationId', { type: () => ID, nullable: true, description: 'Only this conversation.' })
    conversationId?: string | null,
  ) {
    return this.subscriptions.subscribe(scope, identityId, 'message', (event) =>
      conversationId ? (event.data as { conversationId?: string }).conversationId === conversationId : true,
    );
  }

  @Subscription(() => ConversationModel, {
    description: 'Conversations the identity joins or starts (denied ones excluded).',
    resolve: payload,
  })
  @GqlAuthenticated({ scope: 'messages', identityArg: 'identityId' })
  conversationCreated(@GqlTenant() scope: TenantScope, @Args('identityId', { type: () => ID }) identityId: string) {
    return this.subscriptions.subscribe(scope, identityId, 'conversation');
  }

  @Subscription(() => ConsentRecordModel, {
    description: "Changes of the identity's consent records.",
    resolve: payload,
  })
  @GqlAuthenticated({ scope: 'messages', identityArg: 'identityId' })
  consentChanged(@GqlTenant() scope: TenantScope, @Args('identityId', { type: () => ID }) identityId: string) {
    return this.subscriptions.subscribe(scope, identityId, 'consent');
  }
}
