import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { TenantScope } from '@mailroom/persistence';
import { Authenticated, CurrentTenant } from '../../common/auth/index.js';
import { AuditService } from './audit.service.js';
import { AuditQueryDto } from './dto/audit-query.dto.js';
import { AuditPageResponse } from './dto/audit.response.js';

@ApiTags('audit')
@Controller('v1/audit-log')
@Authenticated({ scope: 'keys' })
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({
    summary:
      'The tenant’s audit trail, newest first, filterable by actor, action and time (admin JWT, or API key with scope `keys`).',
  })
  @ApiOkResponse({ type: AuditPageResponse })
  list(@CurrentTenant() scope: TenantScope, @Query() query: AuditQueryDto) {
    return this.audit.list(scope, query);
  }
}
