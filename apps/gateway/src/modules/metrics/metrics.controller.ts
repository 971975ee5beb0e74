import { Controller, Get, Header, Headers, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { metricsAccess } from './metrics-access.js';
import { MetricsService } from './metrics.service.js';

interface ReplyLike {
  header?: (name: string, value: string) => unknown;
  setHeader?: (name: string, value: string) => unknown;
  send: (body: string) => unknown;
}

@ApiExcludeController()
@Controller()
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime,
  ) {}

  @Get('metrics')
  @Header('cache-control', 'no-store')
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() reply: ReplyLike): Promise<void> {
    const access = metricsAccess(this.runtime.config, 'public', authorization);
    if (access === 'not_here') throw new DomainError(ErrorCode.NotFound, 'Cannot GET /metrics');
    if (access === 'unauthorized')
      throw new DomainError(ErrorCode.Unauthenticated, 'Send the metrics token as `Authorization: Bearer <token>`.');
    const { contentType, body } = await this.metrics.render();
    if (reply.header) reply.header('content-type', contentType);
    else reply.setHeader?.('content-type', contentType);
    reply.send(body);
  }
}
