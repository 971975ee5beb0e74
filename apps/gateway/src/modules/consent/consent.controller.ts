import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { TenantScope } from '@mailroom/persistence';
import { Authenticated, CurrentTenant } from '../../common/auth/index.js';
import { ConsentService } from './consent.service.js';
import { SetConsentDto } from './dto/consent.dto.js';
import { ConsentListResponse, ConsentRecordResponse } from './dto/consent.response.js';

@ApiTags('consent')
@Controller('v1/identities/:id/consent')
@Authenticated({ scope: 'messages', identityParam: 'id' })
export class ConsentController {
  constructor(private readonly consent: ConsentService) {}

  @Get()
  @ApiOperation({ summary: "Explicit consent states: the identity's conversations and its DM peers' inboxes." })
  @ApiOkResponse({ type: ConsentListResponse })
  list(@CurrentTenant() scope: TenantScope, @Param('id') id: string) {
    return this.consent.list(scope, id);
  }

  @Put()
  @ApiOperation({ summary: 'Allow, deny or reset a conversation or an inbox (an inbox also sets its DM).' })
  @ApiOkResponse({ type: ConsentRecordResponse, description: 'The consent now in force.' })
  set(@CurrentTenant() scope: TenantScope, @Param('id') id: string, @Body() body: SetConsentDto) {
    return this.consent.set(scope, id, body);
  }
}
