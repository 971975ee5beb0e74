import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { TenantScope } from '@mailroom/persistence';
import { Authenticated, CurrentPrincipal, CurrentTenant, type Principal } from '../../common/auth/index.js';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { PageQueryDto } from '../audit/dto/page-query.dto.js';
import {
  CreatedWebhookResponse,
  CreateWebhookDto,
  DeliveryPageResponse,
  DeliveryQueryDto,
  DeliveryResponse,
  RotatedSecretResponse,
  UpdateWebhookDto,
  WebhookPageResponse,
  WebhookResponse,
} from './dto/webhook.dto.js';
import { WebhookTestEvents } from './webhook-test-event.js';
import { WebhooksService } from './webhooks.service.js';

const uuid = (what: string) =>
  new ParseUUIDPipe({ exceptionFactory: () => new DomainError(ErrorCode.NotFound, `${what} not found.`) });

@ApiTags('webhooks')
@Controller('v1/webhooks')
@Authenticated({ scope: 'webhooks' })
export class WebhooksController {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly testEvents: WebhookTestEvents,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Register an endpoint. The signing secret is in this answer only.' })
  @ApiCreatedResponse({ type: CreatedWebhookResponse })
  create(
    @CurrentTenant() scope: TenantScope,
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateWebhookDto,
  ) {
    return this.webhooks.create(scope, principal, body);
  }

  @Get()
  @ApiOperation({ summary: 'List endpoints, newest first (never their secrets).' })
  @ApiOkResponse({ type: WebhookPageResponse })
  list(@CurrentTenant() scope: TenantScope, @Query() query: PageQueryDto) {
    return this.webhooks.list(scope, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One endpoint: URL, events, state and failure run (never its secret).' })
  @ApiOkResponse({ type: WebhookResponse })
  @ApiNotFoundResponse()
  get(@CurrentTenant() scope: TenantScope, @Param('id', uuid('Webhook')) id: string) {
    return this.webhooks.get(scope, id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change the URL or events, pause (enabled: false) or resume (enabled: true, resets the failure run).',
  })
  @ApiOkResponse({ type: WebhookResponse })
  @ApiNotFoundResponse()
  update(
    @CurrentTenant() scope: TenantScope,
    @CurrentPrincipal() principal: Principal,
    @Param('id', uuid('Webhook')) id: string,
    @Body() body: UpdateWebhookDto,
  ) {
    return this.webhooks.update(scope, principal, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an endpoint and its delivery log.' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  async remove(
    @CurrentTenant() scope: TenantScope,
    @CurrentPrincipal() principal: Principal,
    @Param('id', uuid('Webhook')) id: string,
  ): Promise<void> {
    await this.webhooks.remove(scope, principal, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Replace the signing secret; the new one is in this answer only. The previous one keeps signing beside it until previousSecretExpiresAt (WEBHOOK_SECRET_OVERLAP_SECONDS).',
  })
  @ApiOkResponse({ type: RotatedSecretResponse })
  @ApiNotFoundResponse()
  rotateSecret(
    @CurrentTenant() scope: TenantScope,
    @CurrentPrincipal() principal: Principal,
    @Param('id', uuid('Webhook')) id: string,
  ) {
    return this.webhooks.rotateSecret(scope, principal, id);
  }

  @Get(':id/deliveries')
  @ApiOperation({
    summary: 'Delivery log, newest first: status, attempts, next attempt, last answer, and every attempt.',
  })
  @ApiOkResponse({ type: DeliveryPageResponse })
  @ApiNotFoundResponse()
  deliveries(
    @CurrentTenant() scope: TenantScope,
    @Param('id', uuid('Webhook')) id: string,
    @Query() query: DeliveryQueryDto,
  ) {
    return this.webhooks.deliveries(scope, id, query);
  }

  @Get(':id/deliveries/:did')
  @ApiOperation({
    summary:
      'One delivery: the body as sent (until the retention sweep purges it), and per attempt the headers sent and the start of the answer.',
  })
  @ApiOkResponse({ type: DeliveryResponse })
  @ApiNotFoundResponse()
  delivery(
    @CurrentTenant() scope: TenantScope,
    @Param('id', uuid('Webhook')) id: string,
    @Param('did', uuid('Delivery')) deliveryId: string,
  ) {
    return this.webhooks.delivery(scope, id, deliveryId);
  }

  @Post(':id/test')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Send a signed `webhook.test` event to this endpoint through the delivery outbox; answers with its delivery.',
  })
  @ApiAcceptedResponse({ type: DeliveryResponse })
  @ApiConflictResponse({ description: 'the webhook is disabled' })
  @ApiNotFoundResponse()
  test(@CurrentTenant() scope: TenantScope, @Param('id', uuid('Webhook')) id: string) {
    return this.testEvents.send(scope, id);
  }

  @Post(':id/deliveries/:did/retry')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a failed or waiting delivery again now, with a fresh retry window.' })
  @ApiAcceptedResponse({ type: DeliveryResponse })
  @ApiConflictResponse({ description: 'already succeeded (never sent twice), in flight, or the webhook is disabled' })
  @ApiNotFoundResponse()
  retry(
    @CurrentTenant() scope: TenantScope,
    @CurrentPrincipal() principal: Principal,
    @Param('id', uuid('Webhook')) id: string,
    @Param('did', uuid('Delivery')) deliveryId: string,
  ) {
    return this.webhooks.retryDelivery(scope, principal, id, deliveryId);
  }
}
