import { Module } from '@nestjs/common';
import { OutboundPolicy } from '../../common/outbound/index.js';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { DeliveryStore } from './delivery-store.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { WebhookMetrics } from './webhook-metrics.js';
import { WebhookOutbox } from './webhook-outbox.js';
import { WebhookSecrets } from './webhook-secrets.js';
import { WebhookSender } from './webhook-sender.js';
import { WebhookTestEvents } from './webhook-test-event.js';
import { WebhookWakeup } from './webhook-wakeup.js';
import { WebhooksController } from './webhooks.controller.js';
import { PrismaWebhookRepository, WebhookRepository } from './webhook.repository.js';
import { WEBHOOK_LIMITS, WebhooksService } from './webhooks.service.js';

/** Tenant webhooks: endpoint management, the durable outbox (WebhookOutbox, for the event pipeline) and its dispatcher. */
@Module({
  imports: [MetricsModule],
  controllers: [WebhooksController],
  providers: [
    {
      provide: OutboundPolicy,
      useFactory: (runtime: GatewayRuntime) => new OutboundPolicy(runtime.config.outboundAllowlist),
      inject: [GATEWAY_RUNTIME],
    },
    WebhookWakeup,
    WebhookSecrets,
    WebhookOutbox,
    DeliveryStore,
    WebhookSender,
    WebhookMetrics,
    WebhookDispatcher,
    WebhooksService,
    {
      provide: WEBHOOK_LIMITS,
      inject: [GATEWAY_RUNTIME],
      useFactory: (runtime: GatewayRuntime) => ({
        maxEndpointsPerTenant: runtime.config.webhooks.maxEndpointsPerTenant,
      }),
    },
    WebhookTestEvents,
    { provide: WebhookRepository, useClass: PrismaWebhookRepository },
  ],
  exports: [WebhookOutbox, OutboundPolicy, WebhookSecrets],
})
export class WebhooksModule {}
