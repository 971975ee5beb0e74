import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsArray, IsObject } from 'class-validator';
import type { TenantScope } from '@mailroom/persistence';
import { Authenticated, CurrentTenant } from '../../common/auth/index.js';
import { Idempotent, IdempotencyKey } from '../../common/idempotency/index.js';
import { BroadcastsService } from './broadcasts.service.js';

export class StartBroadcastDto {
  @ApiProperty({ type: [String], description: 'Up to 10,000 addresses or inbox ids; each gets the message as a DM.' })
  @IsArray()
  recipients!: string[];

  @ApiProperty({ description: '{ type: "text", text } or { type: "markdown", markdown }' })
  @IsObject()
  content!: Record<string, unknown>;
}

@ApiTags('broadcasts')
@Controller('v1/identities/:id/broadcasts')
@Authenticated({ scope: 'messages', identityParam: 'id' })
export class BroadcastsController {
  constructor(private readonly broadcasts: BroadcastsService) {}

  @Post()
  @HttpCode(202)
  @Idempotent()
  @ApiOperation({ summary: 'Send one message as a DM to many recipients, skipping who is not on XMTP or denied; resumable, paced.' })
  start(@CurrentTenant() scope: TenantScope, @Param('id') id: string, @Body() body: StartBroadcastDto, @IdempotencyKey() idempotencyKey?: string) {
    return this.broadcasts.start(scope, id, body, idempotencyKey);
  }

  @Get(':bid')
  @ApiOperation({ summary: 'Progress: queued, sent, skipped (by reason), failed.' })
  get(@CurrentTenant() scope: TenantScope, @Param('id') id: string, @Param('bid') bid: string) {
    return this.broadcasts.get(scope, id, bid);
  }
}
