import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { IsArray, IsIn, IsObject, IsOptional } from 'class-validator';
import type { TenantScope } from '@mailroom/persistence';
import { Authenticated, CurrentTenant } from '../../common/auth/index.js';
import { Idempotent, IdempotencyKey } from '../../common/idempotency/index.js';
import { PageQueryDto } from '../audit/dto/page-query.dto.js';
import { BroadcastsService, RECIPIENT_FILTERS } from './broadcasts.service.js';
import { MarkdownMessageContent, TextMessageContent } from '../messages/dto/message-content.schemas.js';
import { BroadcastListResponse, BroadcastRecipientListResponse, BroadcastResponse } from './dto/broadcast.response.js';

export class StartBroadcastDto {
  @ApiProperty({
    type: [String],
    description: 'Up to 10,000 addresses or inbox ids; each gets the message as a DM.',
    example: [
      '0x4b2f0a8e6c1d3f5a7b9c0e2d4f6a8b0c1d3e5f7a',
      'b2f4d6e8a0c2e4f6b8d0a2c4e6f8b0d2f4d6e8a0c2e4f6b8d0a2c4e6f8b0d2f4',
    ],
  })
  @IsArray()
  recipients!: string[];

  @ApiProperty({
    oneOf: [{ $ref: getSchemaPath(TextMessageContent) }, { $ref: getSchemaPath(MarkdownMessageContent) }],
    discriminator: {
      propertyName: 'type',
      mapping: { text: getSchemaPath(TextMessageContent), markdown: getSchemaPath(MarkdownMessageContent) },
    },
    example: { type: 'text', text: 'Our store opens at 9 tomorrow.' },
  })
  @IsObject()
  content!: Record<string, unknown>;
}

export class BroadcastRecipientQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: RECIPIENT_FILTERS, description: 'Only recipients in this state.' })
  @IsOptional()
  @IsIn(RECIPIENT_FILTERS)
  status?: (typeof RECIPIENT_FILTERS)[number];
}

@ApiTags('broadcasts')
@Controller('v1/identities/:id/broadcasts')
@Authenticated({ scope: 'messages', identityParam: 'id' })
@ApiExtraModels(TextMessageContent, MarkdownMessageContent)
export class BroadcastsController {
  constructor(private readonly broadcasts: BroadcastsService) {}

  @Post()
  @HttpCode(202)
  @Idempotent()
  @ApiOperation({
    summary: 'Send one message as a DM to many recipients, skipping who is not on XMTP or denied; resumable, paced.',
  })
  @ApiAcceptedResponse({
    type: BroadcastResponse,
    description: 'Started (or the same broadcast again for a repeated Idempotency-Key).',
  })
  start(
    @CurrentTenant() scope: TenantScope,
    @Param('id') id: string,
    @Body() body: StartBroadcastDto,
    @IdempotencyKey() idempotencyKey?: string,
  ) {
    return this.broadcasts.start(scope, id, body, idempotencyKey);
  }

  @Get()
  @ApiOperation({ summary: "The identity's broadcasts, newest first, each with its progress." })
  @ApiOkResponse({ type: BroadcastListResponse })
  list(@CurrentTenant() scope: TenantScope, @Param('id') id: string, @Query() query: PageQueryDto) {
    return this.broadcasts.list(scope, id, query);
  }

  @Get(':bid')
  @ApiOperation({ summary: 'Progress: queued, sent, skipped (by reason), failed.' })
  @ApiOkResponse({ type: BroadcastResponse })
  get(@CurrentTenant() scope: TenantScope, @Param('id') id: string, @Param('bid') bid: string) {
    return this.broadcasts.get(scope, id, bid);
  }

  @Get(':bid/recipients')
  @ApiOperation({ summary: 'Recipients in the order given, with why each was skipped or failed; filter by status.' })
  @ApiOkResponse({ type: BroadcastRecipientListResponse })
  recipients(
    @CurrentTenant() scope: TenantScope,
    @Param('id') id: string,
    @Param('bid') bid: string,
    @Query() query: BroadcastRecipientQueryDto,
  ) {
    return this.broadcasts.recipients(scope, id, bid, query);
  }
}
