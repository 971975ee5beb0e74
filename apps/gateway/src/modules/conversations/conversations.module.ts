import { Module } from '@nestjs/common';
import { IdentitiesModule } from '../identities/identities.module.js';
import { ConversationAccess } from './conversation-access.js';
import { ConversationFreshness } from './conversation-freshness.js';
import { ConversationsController } from './conversations.controller.js';
import { ConversationsService } from './conversations.service.js';

@Module({
  imports: [IdentitiesModule],
  controllers: [ConversationsController],
  providers: [ConversationsService, ConversationAccess, ConversationFreshness],
  exports: [ConversationsService, ConversationAccess],
})
export class ConversationsModule {}
