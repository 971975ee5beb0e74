import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { TenantScope } from '@mailroom/persistence';
import { Authenticated, CurrentTenant } from '../../common/auth/index.js';
import { Idempotent } from '../../common/idempotency/index.js';
import { ListMessagesQuery, SendMessageDto } from './dto/message.dto.js';
import { MessagesService } from './messages.service.js';

@ApiTags('messages')
@Controller('v1/identities/:id/conversations/:cid/messages')
@Authenticated({ scope: 'messages', identityParam: 'id' })
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Get()
  @ApiOperation({ summary: 'Messages of one conversation (synced first), newest first by default; cursor pages both ways.' })
  list(@CurrentTenant() scope: TenantScope, @Param('id') id: string, @Param('cid') cid: string, @Query() query: ListMessagesQuery) {
    return this.messages.list(scope, id, cid, query);
  }

  @Post()
  @Idempotent()
  @ApiOperation({ summary: 'Send text, markdown, reply, reaction or read receipt; 409 after leaving the group.' })
  send(@CurrentTenant() scope: TenantScope, @Param('id') id: string, @Param('cid') cid: string, @Body() body: SendMessageDto) {
    return this.messages.send(scope, id, cid, body);
  }
}
