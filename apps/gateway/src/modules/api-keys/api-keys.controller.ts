import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { TenantScope } from '@mailroom/persistence';
import { Authenticated, CurrentPrincipal, CurrentTenant, type Principal } from '../../common/auth/index.js';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { PageQueryDto } from '../audit/dto/page-query.dto.js';
import { ApiKeysService } from './api-keys.service.js';
import { ApiKeyPageResponse, CreatedApiKeyResponse } from './dto/api-key.response.js';
import { CreateApiKeyDto } from './dto/create-api-key.dto.js';

const notFound = () => new DomainError(ErrorCode.NotFound, 'API key not found.');

@ApiTags('api-keys')
@Controller('v1/api-keys')
@Authenticated({ scope: 'keys' })
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key. The key is in this answer only.' })
  @ApiCreatedResponse({ type: CreatedApiKeyResponse })
  create(@CurrentTenant() scope: TenantScope, @CurrentPrincipal() principal: Principal, @Body() body: CreateApiKeyDto) {
    return this.apiKeys.create(scope, principal, body);
  }

  @Get()
  @ApiOperation({ summary: 'List API keys (never the key itself), newest first.' })
  @ApiOkResponse({ type: ApiKeyPageResponse })
  list(@CurrentTenant() scope: TenantScope, @Query() query: PageQueryDto) {
    return this.apiKeys.list(scope, query);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key (idempotent). It answers 401 from then on.' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  async revoke(
    @CurrentTenant() scope: TenantScope,
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => notFound() })) id: string,
  ): Promise<void> {
    await this.apiKeys.revoke(scope, principal, id);
  }
}
