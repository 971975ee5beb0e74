import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthService, type ReadinessReport } from './health.service.js';
import { LivenessResponse, ReadinessCheckResponse, ReadinessResponse } from './dto/health.response.js';

interface StatusReply {
  status?: (code: number) => unknown;
  code?: (code: number) => unknown;
}

@ApiTags('operations')
@Controller()
@ApiExtraModels(ReadinessCheckResponse)
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('healthz')
  @ApiOperation({ summary: 'Liveness: the process is up and serving HTTP.' })
  @ApiOkResponse({ type: LivenessResponse })
  liveness(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  @ApiOperation({ summary: 'Readiness: every dependency answers. 503 names the failing part.' })
  @ApiOkResponse({ type: ReadinessResponse, description: 'ready' })
  @ApiServiceUnavailableResponse({ type: ReadinessResponse, description: 'a dependency is down; `checks` names it' })
  async readiness(@Res({ passthrough: true }) reply: StatusReply): Promise<ReadinessReport> {
    const report = await this.health.readiness();
    const status = report.status === 'ready' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE;
    if (reply.status) reply.status(status);
    else reply.code?.(status);
    return report;
  }
}
