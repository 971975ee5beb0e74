import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
  type NestMiddleware,
} from '@nestjs/common';
import type { Observable } from 'rxjs';
import { MetricsService } from './metrics.service.js';

/** Route templates of matched requests, keyed by the raw Node request (shared by Express and Fastify). */
const routeTemplates = new WeakMap<IncomingMessage, string>();

interface FrameworkRequest {
  raw?: IncomingMessage;
  route?: { path?: string };
  routeOptions?: { url?: string };
}

/** Records the matched route template, so metrics never get one label per concrete URL. */
@Injectable()
export class RouteTemplateInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const request = context.switchToHttp().getRequest<FrameworkRequest & IncomingMessage>();
      const template = request.routeOptions?.url ?? request.route?.path;
      if (template) routeTemplates.set(request.raw ?? request, template);
    }
    return next.handle();
  }
}

/** Times every request, matched or not, and reports it when the response finishes. */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MetricsService) {}

  use(request: IncomingMessage & { raw?: IncomingMessage }, response: ServerResponse, next: () => void): void {
    const raw = request.raw ?? request;
    const started = process.hrtime.bigint();
    response.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeTemplates.get(raw) ?? 'unmatched';
      this.metrics.observeRequest(raw.method ?? 'GET', route, response.statusCode, seconds);
    });
    next();
  }
}
