import { Module, type DynamicModule } from '@nestjs/common';
import { PrismaClient } from '@mailroom/persistence';
import { EVENT_BUS } from './runtime.js';
import { IdempotencyModule } from './common/idempotency/index.js';
import { RateLimitModule } from './common/rate-limit/index.js';
import { ApplicationModule } from './application/index.js';
import { DataModule } from './data/index.js';
import { SystemRepositoriesModule } from './system/index.js';
import { createLoggingModule } from './common/logging/logging.module.js';
import { HealthModule } from './modules/health/health.module.js';
import { MetricsModule } from './modules/metrics/metrics.module.js';
import { AuditModule } from './modules/audit/audit.module.js';
import { AuthModule } from './modules/auth/auth.module.js';
import { ApiKeysModule } from './modules/api-keys/api-keys.module.js';
import { AdminModule } from './modules/admin/admin.module.js';
import { IdentitiesModule } from './modules/identities/identities.module.js';
import { ConversationsModule } from './modules/conversations/conversations.module.js';
import { MessagesModule } from './modules/messages/messages.module.js';
import { ConsentModule } from './modules/consent/consent.module.js';
import { AttachmentsModule } from './modules/attachments/attachments.module.js';
import { MailroomGraphqlModule } from './modules/graphql/graphql.module.js';
import { RealtimeModule } from './modules/realtime/realtime.module.js';
import { WebhooksModule } from './modules/webhooks/webhooks.module.js';
import { UsageModule } from './modules/usage/usage.module.js';
import { SettingsModule } from './modules/settings/settings.module.js';
import { DashboardModule } from './modules/dashboard/dashboard.module.js';
import { PushModule } from './modules/push/push.module.js';
import { BroadcastsModule } from './modules/broadcasts/broadcasts.module.js';
import { RetentionModule } from './modules/retention/retention.module.js';
import { GATEWAY_RUNTIME, type GatewayRuntime } from './runtime.js';

/** Shares the runtime (config, database, event bus, XMTP endpoint) with every feature module. */
@Module({})
class RuntimeModule {
  static forRoot(runtime: GatewayRuntime): DynamicModule {
    return {
      module: RuntimeModule,
      global: true,
      providers: [
        { provide: GATEWAY_RUNTIME, useValue: runtime },
        { provide: PrismaClient, useValue: runtime.prisma },
        { provide: EVENT_BUS, useValue: runtime.eventBus },
      ],
      exports: [GATEWAY_RUNTIME, PrismaClient, EVENT_BUS],
    };
  }
}

/** The gateway's root module. Feature modules (REST controllers, and GraphQL resolvers later) plug in here. */
@Module({})
export class AppModule {
  static forRoot(runtime: GatewayRuntime): DynamicModule {
    return {
      module: AppModule,
      imports: [
        RuntimeModule.forRoot(runtime),
        DataModule,
        SystemRepositoriesModule,
        createLoggingModule(runtime.config.log.level),
        MetricsModule,
        HealthModule,
        AuditModule,
        AuthModule,
        ApiKeysModule,
        AdminModule,
        IdempotencyModule,
        RateLimitModule,
        ApplicationModule,
        IdentitiesModule,
        ConversationsModule,
        MessagesModule,
        ConsentModule,
        AttachmentsModule,
        MailroomGraphqlModule,
        UsageModule,
        SettingsModule,
        DashboardModule,
        RealtimeModule,
        WebhooksModule,
        PushModule,
        BroadcastsModule,
        RetentionModule,
      ],
    };
  }
}
