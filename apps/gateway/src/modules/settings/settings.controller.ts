import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { TenantScope } from '@mailroom/persistence';
import { Authenticated, CurrentPrincipal, CurrentTenant, type Principal } from '../../common/auth/index.js';
import { UpdateSettingsDto } from './dto/settings.dto.js';
import { TenantSettingsService } from './settings.service.js';
import { SettingsResponse } from './dto/settings.response.js';

@ApiTags('settings')
@Controller('v1/settings')
@Authenticated({ scope: 'keys' })
export class SettingsController {
  constructor(private readonly settings: TenantSettingsService) {}

  @Get()
  @ApiOperation({
    summary:
      'Tenant settings in force: attachment store and limits, rate limits (admin JWT, or API key with scope `keys`).',
  })
  @ApiOkResponse({ type: SettingsResponse })
  get(@CurrentTenant() scope: TenantScope) {
    return this.settings.get(scope);
  }

  @Patch()
  @ApiOperation({
    summary:
      'Change tenant settings; `null` puts a field back to the operator default. Rate limits cannot exceed the operator’s.',
  })
  @ApiOkResponse({ type: SettingsResponse, description: 'The settings now in force.' })
  update(@CurrentTenant() scope: TenantScope, @CurrentPrincipal() actor: Principal, @Body() body: UpdateSettingsDto) {
    return this.settings.update(scope, actor, body);
  }
}
