import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { MessagesController } from './messages.controller.js';
import { MessagesService } from './messages.service.js';
import { OutgoingContentPolicy } from './outgoing-content.policy.js';

@Module({
  imports: [ConversationsModule],
  controllers: [MessagesController],
  providers: [MessagesService, OutgoingContentPolicy],
  exports: [MessagesService],
})
export class MessagesModule {}
