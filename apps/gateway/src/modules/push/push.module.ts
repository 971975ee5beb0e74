import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { IdentitiesModule } from '../identities/identities.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { PushController } from './push.controller.js';
import { PushOutbox } from './push-outbox.js';
import { PrismaPushEndpointRepository, PushEndpointRepository } from './push-endpoint.repository.js';
import { PushService } from './push.service.js';

/** Push notifications per identity, delivered through the webhook outbox from the realtime pipeline's events. */
@Module({
  imports: [AuditModule, IdentitiesModule, RealtimeModule, WebhooksModule],
  controllers: [PushController],
  providers: [PushOutbox, PushService, { provide: PushEndpointRepository, useClass: PrismaPushEndpointRepository }],
})
export class PushModule {}
