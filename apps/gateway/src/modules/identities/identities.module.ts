import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { IdentitiesController } from './identities.controller.js';
import { IdentitiesService } from './identities.service.js';
import { IdentityHosting } from './identity-hosting.js';
import { IdentityRecovery } from './identity-recovery.js';
import { IdentityRepository } from './identity.repository.js';

@Module({
  imports: [AuditModule, AuthModule],
  controllers: [IdentitiesController],
  providers: [IdentitiesService, IdentityHosting, IdentityRepository, IdentityRecovery],
  exports: [IdentitiesService, IdentityHosting],
})
export class IdentitiesModule {}
