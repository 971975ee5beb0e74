import { Injectable, UseInterceptors, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { from, mergeMap, of, catchError, type Observable } from 'rxjs';
import { DomainError, ErrorCode } from '../../../common/errors/index.js';
import { IdempotencyService, requestFingerprint } from '../../../common/idempotency/index.js';
import type { GraphqlContext } from '../graphql-context.js';

/** The argument every idempotent mutation takes. */
export const IDEMPOTENCY_ARG = 'idempotencyKey';
const ACCEPTABLE_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * The GraphQL side of Idempotency-Key: the key comes as the mutation's `idempotencyKey` argument instead of a
 * header; the same IdempotencyService stores it per tenant, under the operation `graphql <mutation>`, fingerprinted
 * over the other arguments. Same key and arguments → the first result again, no second execution; same key,
 * different arguments → UNPROCESSABLE.
 */
@Injectable()
export class GqlIdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly idempotency: IdempotencyService) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const gql = GqlExecutionContext.create(context);
    const { [IDEMPOTENCY_ARG]: key, ...args } = gql.getArgs<Record<string, unknown>>();
    if (key === undefined || key === null) return next.handle();
    // Checked here, not by the validation pipe: pipes run after interceptors, and the key is claimed before.
    if (typeof key !== 'string' || !ACCEPTABLE_KEY.test(key)) {
      throw new DomainError(ErrorCode.ValidationFailed, 'idempotencyKey must be 1 to 255 visible ASCII characters.', {
        errors: [{ field: IDEMPOTENCY_ARG, message: 'must be 1 to 255 visible ASCII characters' }],
      });
    }
    const { authentication } = gql.getContext<GraphqlContext>();
    if (authentication.kind !== 'authenticated') throw new Error('an @GqlIdempotent() mutation must be @GqlAuthenticated');
    const scope = authentication.principal.scope;

    const operation = `graphql ${gql.getInfo<{ fieldName: string }>().fieldName}`;
    const claim = await this.idempotency.claim(scope, operation, key, requestFingerprint({}, args));
    if (claim.kind === 'replay') return of(claim.response.body);
    return next.handle().pipe(
      mergeMap(async (result) => {
        await this.idempotency.complete(scope, claim.recordId, { status: 200, body: JSON.parse(JSON.stringify(result ?? null)) });
        return result;
      }),
      catchError((error: unknown) => from(this.idempotency.abandon(scope, claim.recordId).then(() => Promise.reject(error)))),
    );
  }
}

/** Marks a mutation as honouring its `idempotencyKey` argument. Put it after @GqlAuthenticated. */
export function GqlIdempotent(): MethodDecorator {
  return UseInterceptors(GqlIdempotencyInterceptor);
}
