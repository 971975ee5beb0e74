import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { MetricsService } from './metrics.service.js';

interface ReplyLike {
  header?: (name: string, value: string) => unknown;
  setHeader?: (name: string, value: string) => unknown;
  send: (body: string) => unknown;
}

@ApiExcludeController()
@Controller()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get('metrics')
  @Header('cache-control', 'no-store')
  async scrape(@Res() reply: ReplyLike): Promise<void> {
    const { contentType, body } = await this.metrics.render();
    if (reply.header) reply.header('content-type', contentType);
    else reply.setHeader?.('content-type', contentType);
    reply.send(body);
  }
}
