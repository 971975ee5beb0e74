import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import type { TenantScope } from '@mailroom/persistence';
import { Authenticated, CurrentPrincipal, CurrentTenant, type Principal } from '../../common/auth/index.js';
import { PushService } from './push.service.js';
import {
  PushDeliveryListResponse,
  PushEndpointResponse,
  PushTopicsResponse,
  PutPushEndpointResponse,
} from './dto/push.response.js';

export class PutPushEndpointDto {
  @ApiProperty({
    description: 'HTTPS endpoint that receives signed notifications (same headers and signature as webhooks).',
    example: 'https://push.example.com/mailroom',
  })
  @IsString()
  @MaxLength(2000)
  url!: string;

  @ApiPropertyOptional({
    description: 'Include the message content in notifications (default: ids only).',
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  includeContent?: boolean;
}

@ApiTags('push')
@Controller('v1/identities/:id')
export class PushController {
  constructor(private readonly push: PushService) {}

  @Put('push-endpoint')
  @Authenticated({ scope: 'webhooks' })
  @ApiOperation({ summary: "Set the identity's push endpoint; the signing secret is shown when the endpoint is new." })
  @ApiOkResponse({ type: PutPushEndpointResponse })
  put(
    @CurrentTenant() scope: TenantScope,
    @CurrentPrincipal() actor: Principal,
    @Param('id') id: string,
    @Body() body: PutPushEndpointDto,
  ) {
    return this.push.put(scope, actor, id, body);
  }

  @Get('push-endpoint')
  @Authenticated({ scope: 'webhooks' })
  @ApiOperation({ summary: "The identity's push endpoint." })
  @ApiOkResponse({ type: PushEndpointResponse })
  get(@CurrentTenant() scope: TenantScope, @Param('id') id: string) {
    return this.push.get(scope, id);
  }

  @Delete('push-endpoint')
  @HttpCode(204)
  @Authenticated({ scope: 'webhooks' })
  @ApiOperation({ summary: 'Stop push notifications for the identity.' })
  @ApiNoContentResponse({ description: 'Stopped.' })
  async delete(
    @CurrentTenant() scope: TenantScope,
    @CurrentPrincipal() actor: Principal,
    @Param('id') id: string,
  ): Promise<void> {
    await this.push.delete(scope, actor, id);
  }

  @Get('push-endpoint/deliveries')
  @Authenticated({ scope: 'webhooks' })
  @ApiOperation({ summary: 'Delivery log of the push endpoint, newest first.' })
  @ApiOkResponse({ type: PushDeliveryListResponse })
  deliveries(@CurrentTenant() scope: TenantScope, @Param('id') id: string) {
    return this.push.deliveries(scope, id);
  }

  @Get('push-topics')
  // Topic HMAC keys are backend material for a push server: never for an identity token (a frontend).
  @Authenticated({ scope: 'webhooks' })
  @ApiOperation({
    summary: 'Conversation topics and HMAC keys, and the welcome topic, for running your own XMTP push server.',
  })
  @ApiOkResponse({ type: PushTopicsResponse })
  topics(@CurrentTenant() scope: TenantScope, @Param('id') id: string) {
    return this.push.topics(scope, id);
  }
}
