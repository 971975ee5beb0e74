import { Global, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { SettingsController } from './settings.controller.js';
import { TenantSettingsService } from './settings.service.js';

/** Global so that attachments and rate limiting can read a tenant's settings with TenantSettingsService.get. */
@Global()
@Module({ imports: [AuthModule], controllers: [SettingsController], providers: [TenantSettingsService], exports: [TenantSettingsService] })
export class SettingsModule {}
