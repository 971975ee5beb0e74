import { Args, ID, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { TenantScope } from '@mailroom/persistence';
import type { MessageView } from '@mailroom/xmtp';
import { AttachmentUploadsService } from '../../attachments/attachment-uploads.service.js';
import { GqlAuthenticated, GqlTenant } from '../auth/gql-authenticated.decorator.js';
import { GqlIdempotent } from '../idempotency/gql-idempotent.decorator.js';
import { attachmentsOf, type MessageAttachmentView } from './message-attachments.js';
import { MessageAttachmentModel, MessageModel } from './messaging.models.js';

/**
 * Attachments over GraphQL. Files are uploaded with REST `POST /v1/identities/{id}/attachments` (multipart, encrypted
 * and stored by the gateway) and sent here by id; received and sent files show in `Message.attachments`.
 */
@Resolver(() => MessageModel)
export class AttachmentsResolver {
  constructor(private readonly uploads: AttachmentUploadsService) {}

  @Mutation(() => MessageModel, {
    description:
      'Send files uploaded with REST `POST /v1/identities/{identityId}/attachments` as one message: a remote attachment for one upload, a multi remote attachment for several, in the order given. Each upload is sent once.',
  })
  @GqlAuthenticated({ scope: 'messages', identityArg: 'identityId', write: true })
  @GqlIdempotent()
  async sendAttachment(
    @GqlTenant() scope: TenantScope,
    @Args('identityId') identityId: string,
    @Args('conversationId') conversationId: string,
    @Args('uploadIds', { type: () => [ID] }) uploadIds: string[],
    @Args('idempotencyKey', {
      type: () => String,
      nullable: true,
      description: 'Retry-safe key, as the REST Idempotency-Key.',
    })
    _idempotencyKey: string | undefined,
  ): Promise<MessageView> {
    return (await this.uploads.send(scope, identityId, conversationId, uploadIds)).message;
  }

  @ResolveField(() => [MessageAttachmentModel], {
    description: 'The files the message carries; empty unless it is an attachment.',
  })
  attachments(@Parent() message: MessageView): MessageAttachmentView[] {
    return attachmentsOf(message);
  }

  @ResolveField(() => MessageAttachmentModel, {
    nullable: true,
    description: 'The first (usually only) file; null unless the message is an attachment.',
  })
  attachment(@Parent() message: MessageView): MessageAttachmentView | null {
    return attachmentsOf(message)[0] ?? null;
  }
}
