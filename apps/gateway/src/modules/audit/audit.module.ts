import { Global, Module } from '@nestjs/common';
import { AuditController } from './audit.controller.js';
import { AuditRepository, PrismaAuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';

/** Global so that every feature can record audit events. */
@Global()
@Module({
  controllers: [AuditController],
  providers: [AuditService, { provide: AuditRepository, useClass: PrismaAuditRepository }],
  exports: [AuditService],
})
export class AuditModule {}
