import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { TenantScope } from '@mailroom/persistence';
import { Authenticated, CurrentTenant } from '../../common/auth/index.js';
import { Idempotent } from '../../common/idempotency/index.js';
import { ListMessagesQuery, SendMessageDto } from './dto/message.dto.js';
import { MessagesService } from './messages.service.js';
import { MESSAGE_CONTENT_MODELS } from './dto/message-content.schemas.js';
import { MessagePageResponse, MessageResponse } from './dto/message.response.js';

@ApiTags('messages')
@Controller('v1/identities/:id/conversations/:cid/messages')
@Authenticated({ scope: 'messages', identityParam: 'id' })
@ApiExtraModels(...MESSAGE_CONTENT_MODELS)
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Get()
  @ApiOperation({
    summary: 'Messages of one conversation (synced first), newest first by default; cursor pages both ways.',
  })
  @ApiOkResponse({ type: MessagePageResponse })
  list(
    @CurrentTenant() scope: TenantScope,
    @Param('id') id: string,
    @Param('cid') cid: string,
    @Query() query: ListMessagesQuery,
  ) {
    return this.messages.list(scope, id, cid, query);
  }

  @Post()
  @Idempotent()
  @ApiOperation({
    summary:
      'Send a message; `content.type` picks its shape: text, markdown, reply, reaction, readReceipt, transactionReference, walletSendCalls, actions, intent, attachment (inline, small) or remoteAttachment. 409 after leaving the group.',
  })
  @ApiCreatedResponse({ type: MessageResponse, description: 'The stored message (published to the network).' })
  @ApiConflictResponse({ description: 'CONFLICT: the identity is not active or left the group' })
  send(
    @CurrentTenant() scope: TenantScope,
    @Param('id') id: string,
    @Param('cid') cid: string,
    @Body() body: SendMessageDto,
  ) {
    return this.messages.send(scope, id, cid, body);
  }
}
