import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { IdentitiesModule } from '../identities/identities.module.js';
import { MessagesModule } from '../messages/messages.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { BroadcastRunner } from './broadcast-runner.js';
import { BroadcastRepository, PrismaBroadcastRepository } from './broadcast.repository.js';
import { BroadcastsController } from './broadcasts.controller.js';
import { BroadcastsService } from './broadcasts.service.js';

/** Broadcasts: one message as DMs to many recipients, resumable across restarts, with a broadcast.completed event. */
@Module({
  imports: [ConversationsModule, IdentitiesModule, MessagesModule, WebhooksModule],
  controllers: [BroadcastsController],
  providers: [
    { provide: BroadcastRepository, useClass: PrismaBroadcastRepository },
    BroadcastRunner,
    BroadcastsService,
  ],
})
export class BroadcastsModule {}
