import {
  Injectable,
  createParamDecorator,
  UseInterceptors,
  applyDecorators,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import { ApiHeader } from '@nestjs/swagger';
import { from, mergeMap, of, catchError, type Observable } from 'rxjs';
import type { TenantScope } from '@mailroom/persistence';
import { DomainError, ErrorCode } from '../errors/index.js';
import { IdempotencyService } from './idempotency.service.js';
import { requestFingerprint } from './request-fingerprint.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const ACCEPTABLE_KEY = /^[\x21-\x7e]{1,255}$/;

interface IdempotentRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  params?: unknown;
  body?: unknown;
  routeOptions?: { url?: string };
  principal?: { scope: TenantScope };
}

interface ReplyLike {
  header(name: string, value: string): unknown;
}

/** Reads the Idempotency-Key header; absent → undefined, malformed → VALIDATION_FAILED. */
export function idempotencyKeyOf(headers: IdempotentRequest['headers']): string | undefined {
  const raw = headers[IDEMPOTENCY_HEADER];
  if (raw === undefined) return undefined;
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (key === undefined || !ACCEPTABLE_KEY.test(key)) {
    throw new DomainError(ErrorCode.ValidationFailed, 'Idempotency-Key must be 1 to 255 visible ASCII characters.', {
      errors: [{ field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' }],
    });
  }
  return key;
}

/**
 * Honours `Idempotency-Key` on the route it decorates: same key and same request within 24 h → the first answer
 * again (with `Idempotent-Replayed: true`) and no second execution; same key, different request → 422.
 * Keys are per tenant, so the route must be @Authenticated (the guard sets `request.principal`).
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly reflector: Reflector,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    const request = http.getRequest<IdempotentRequest>();
    const reply = http.getResponse<ReplyLike>();
    const key = idempotencyKeyOf(request.headers);
    if (key === undefined) return next.handle();
    const scope = request.principal?.scope;
    if (!scope) throw new Error('an @Idempotent() route must be authenticated');

    const operation = `${request.method} ${request.routeOptions?.url ?? request.url.split('?')[0]}`;
    const status =
      this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ?? (request.method === 'POST' ? 201 : 200);
    const claim = await this.idempotency.claim(scope, operation, key, requestFingerprint(request.params, request.body));
    if (claim.kind === 'replay') {
      reply.header('idempotent-replayed', 'true');
      return of(claim.response.body);
    }
    return next.handle().pipe(
      mergeMap(async (body) => {
        await this.idempotency.complete(scope, claim.recordId, { status, body: JSON.parse(JSON.stringify(body ?? null)) });
        return body;
      }),
      catchError((error: unknown) => from(this.idempotency.abandon(scope, claim.recordId).then(() => Promise.reject(error)))),
    );
  }
}

/** Marks a POST route as honouring `Idempotency-Key`. */
export function Idempotent(): MethodDecorator {
  return applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'Retry-safe key (1–255 visible ASCII). Same key and body within 24 h replays the first answer; a different body answers 422.',
    }),
  );
}

/** The request's Idempotency-Key (already validated by the interceptor), for services that derive ids from it. */
export const IdempotencyKey = createParamDecorator((_: unknown, context: ExecutionContext): string | undefined =>
  idempotencyKeyOf(context.switchToHttp().getRequest<IdempotentRequest>().headers),
);
