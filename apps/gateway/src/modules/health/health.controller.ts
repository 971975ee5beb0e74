import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HealthService, type ReadinessReport } from './health.service.js';

interface StatusReply {
  status?: (code: number) => unknown;
  code?: (code: number) => unknown;
}

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('healthz')
  @ApiOperation({ summary: 'Liveness: the process is up and serving HTTP.' })
  liveness(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  @ApiOperation({ summary: 'Readiness: every dependency answers. 503 names the failing part.' })
  @ApiResponse({ status: 200, description: 'ready' })
  @ApiResponse({ status: 503, description: 'a dependency is down; `checks` names it' })
  async readiness(@Res({ passthrough: true }) reply: StatusReply): Promise<ReadinessReport> {
    const report = await this.health.readiness();
    const status = report.status === 'ready' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE;
    if (reply.status) reply.status(status);
    else reply.code?.(status);
    return report;
  }
}
