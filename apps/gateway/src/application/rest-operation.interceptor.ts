import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { AUTHENTICATED_OPTIONS, type AuthenticatedOptions, type AuthenticatedRequest } from '../common/auth/index.js';
import { IDEMPOTENT_OPERATION, idempotencyKeyOf, requestFingerprint } from '../common/idempotency/index.js';
import type { BudgetStanding } from '../common/rate-limit/index.js';
import { OperationPipeline } from './operation-pipeline.js';
import type { OperationCall } from './operation.js';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

interface RestRequest extends AuthenticatedRequest {
  url: string;
  body?: unknown;
  routeOptions?: { url?: string };
}

interface HeaderReply {
  header(name: string, value: string): unknown;
}

/**
 * REST's adapter onto the operation pipeline: every authenticated route runs through it (the guard only settled who
 * is calling). Reports the tightest request budget in `RateLimit-*` headers and marks replayed answers.
 */
@Injectable()
export class RestOperationInterceptor implements NestInterceptor {
  constructor(
    private readonly pipeline: OperationPipeline,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<RestRequest>();
    if (!request.principal) return next.handle();
    const reply = context.switchToHttp().getResponse<HeaderReply>();
    const call = this.describe(context, request);
    const outcome = this.pipeline.run(call, () => lastValueFrom(next.handle(), { defaultValue: undefined }), {
      onBudget: (standing) => setRateLimitHeaders(reply, standing),
    });
    return from(
      outcome.then(({ value, replayed }) => {
        if (replayed) reply.header('idempotent-replayed', 'true');
        return value;
      }),
    );
  }

  private describe(context: ExecutionContext, request: RestRequest): OperationCall {
    const targets = [context.getHandler(), context.getClass()];
    const options =
      this.reflector.getAllAndOverride<AuthenticatedOptions | undefined>(AUTHENTICATED_OPTIONS, targets) ?? {};
    const write = options.write ?? !READ_METHODS.has(request.method.toUpperCase());
    const name = `${request.method} ${request.routeOptions?.url ?? request.url.split('?')[0]}`;
    const params = request.params ?? {};
    const idempotent = this.reflector.get<boolean | undefined>(IDEMPOTENT_OPERATION, context.getHandler());
    const key = idempotent ? idempotencyKeyOf(request.headers) : undefined;
    const status =
      this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ??
      (request.method === 'POST' ? 201 : 200);
    return {
      name,
      principal: request.principal!,
      policy: options,
      write,
      params,
      idempotency:
        key === undefined ? undefined : { key, fingerprint: requestFingerprint(params, request.body), status },
    };
  }
}

function setRateLimitHeaders(reply: HeaderReply, { policy, decision }: BudgetStanding): void {
  reply.header('RateLimit-Limit', String(policy.capacity));
  reply.header('RateLimit-Remaining', String(decision.remaining));
  reply.header('RateLimit-Reset', String(decision.resetSeconds));
}
