import { Global, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { UsageController } from './usage.controller.js';
import { UsageCounters } from './usage-counters.service.js';
import { ReceivedMessageCounter } from './received-messages.js';
import { PrismaUsageRepository, UsageRepository } from './usage.repository.js';
import { UsageService } from './usage.service.js';

/** Global so that the modules doing the work (messages, webhooks) can inject UsageCounters / ReceivedMessageCounter. */
@Global()
@Module({
  imports: [AuthModule],
  controllers: [UsageController],
  providers: [
    UsageCounters,
    ReceivedMessageCounter,
    UsageService,
    { provide: UsageRepository, useClass: PrismaUsageRepository },
  ],
  exports: [UsageCounters, ReceivedMessageCounter],
})
export class UsageModule {}
