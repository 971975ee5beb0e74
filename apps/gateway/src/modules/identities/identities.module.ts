import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { IdentitiesController } from './identities.controller.js';
import { IdentitiesService } from './identities.service.js';
import { IdentityHosting } from './identity-hosting.js';
import { IdentityRecovery } from './identity-recovery.js';
import { IdentityRepository, PrismaIdentityRepository } from './identity.repository.js';
import { WalletIdentitiesController } from './wallet-identities.controller.js';
import { WalletIdentitiesService } from './wallet-identities.service.js';
import { WalletRequests } from './wallet-requests.js';
import { WelcomeStreams } from './welcome-streams.js';

@Module({
  imports: [AuditModule, AuthModule],
  controllers: [IdentitiesController, WalletIdentitiesController],
  providers: [
    IdentitiesService,
    IdentityHosting,
    { provide: IdentityRepository, useClass: PrismaIdentityRepository },
    IdentityRecovery,
    WalletRequests,
    WalletIdentitiesService,
    WelcomeStreams,
  ],
  exports: [IdentitiesService, IdentityHosting, IdentityRepository, WelcomeStreams],
})
export class IdentitiesModule {}
