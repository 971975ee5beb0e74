import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { TenantScope } from '@mailroom/persistence';
import { Authenticated, CurrentTenant } from '../../common/auth/index.js';
import { UsageService } from './usage.service.js';
import { UsageResponse } from './dto/usage.response.js';

@ApiTags('usage')
@Controller('v1/usage')
@Authenticated({ scope: 'keys' })
export class UsageController {
  constructor(private readonly usage: UsageService) {}

  @Get()
  @ApiOperation({
    summary:
      'Usage of the last 14 UTC days from counters: messages sent and received per day, identities, live clients, webhook success rate, installation budget alerts (admin JWT, or API key with scope `keys`).',
  })
  @ApiOkResponse({ type: UsageResponse })
  get(@CurrentTenant() scope: TenantScope) {
    return this.usage.summary(scope);
  }
}
