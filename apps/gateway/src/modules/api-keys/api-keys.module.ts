import { Global, Module } from '@nestjs/common';
import { ApiKeyAuthenticator } from './api-key-authenticator.js';
import { ApiKeyRepository, PrismaApiKeyRepository } from './api-key.repository.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysService } from './api-keys.service.js';

/** Global because the authentication guard, used by every feature's controllers, resolves keys here. */
@Global()
@Module({
  controllers: [ApiKeysController],
  providers: [ApiKeysService, ApiKeyAuthenticator, { provide: ApiKeyRepository, useClass: PrismaApiKeyRepository }],
  exports: [ApiKeyAuthenticator],
})
export class ApiKeysModule {}
