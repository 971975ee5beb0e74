import { Global, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { UsageController } from './usage.controller.js';
import { UsageCounters } from './usage-counters.service.js';
import { PrismaUsageRepository, UsageRepository } from './usage.repository.js';
import { UsageService } from './usage.service.js';

/** Global so that the modules doing the work (messages, webhooks) can inject UsageCounters and count it. */
@Global()
@Module({
  imports: [AuthModule],
  controllers: [UsageController],
  providers: [UsageCounters, UsageService, { provide: UsageRepository, useClass: PrismaUsageRepository }],
  exports: [UsageCounters],
})
export class UsageModule {}
