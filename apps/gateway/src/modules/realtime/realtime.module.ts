import { Module } from '@nestjs/common';
import { GqlAuthenticationGuard } from '../graphql/auth/gql-authentication.guard.js';
import { IdentitiesModule } from '../identities/identities.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { InterestBeacon } from './interest-beacon.js';
import { RealtimeResolver } from './realtime.resolver.js';
import { RealtimeSubscriptionsService } from './realtime-subscriptions.service.js';
import { StreamSupervisor } from './stream-supervisor.js';
import { WebhookSweep } from './webhook-sweep.js';

/**
 * The realtime pipeline: XMTP streams of owned identities → typed events (stable ids) → per-identity bus topics
 * (GraphQL subscriptions) and the webhook outbox, with durable cursors, replay, reconciliation and a catch-up sweep.
 */
@Module({
  imports: [IdentitiesModule, WebhooksModule],
  providers: [
    StreamSupervisor,
    WebhookSweep,
    InterestBeacon,
    RealtimeSubscriptionsService,
    RealtimeResolver,
    GqlAuthenticationGuard,
  ],
  exports: [StreamSupervisor, WebhookSweep],
})
export class RealtimeModule {}
