import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { OperationPipeline, type OperationCall } from '../../../application/index.js';
import { DomainError, ErrorCode } from '../../../common/errors/index.js';
import { checkedIdempotencyKey, IDEMPOTENT_OPERATION, requestFingerprint } from '../../../common/idempotency/index.js';
import { GQL_AUTHENTICATED } from '../auth/gql-authentication.guard.js';
import type { GqlAuthenticatedOptions } from '../auth/gql-authenticated.decorator.js';
import type { GraphqlContext } from '../graphql-context.js';

/** The argument every idempotent mutation takes (the REST Idempotency-Key). */
export const IDEMPOTENCY_ARG = 'idempotencyKey';

/**
 * GraphQL's adapter onto the operation pipeline, for queries, mutations and subscriptions (charged once, when they
 * start) over HTTP and websockets alike: the operation's arguments play the route parameters.
 */
@Injectable()
export class GqlOperationInterceptor implements NestInterceptor {
  constructor(
    private readonly pipeline: OperationPipeline,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const call = this.describe(context);
    return from(
      this.pipeline
        .run(call, () => lastValueFrom(next.handle(), { defaultValue: undefined }))
        .then(({ value }) => value),
    );
  }

  private describe(context: ExecutionContext): OperationCall {
    const gql = GqlExecutionContext.create(context);
    const { authentication } = gql.getContext<GraphqlContext>();
    if (authentication.kind !== 'authenticated')
      throw new DomainError(ErrorCode.Internal, 'GqlOperationInterceptor runs after GqlAuthenticationGuard.');
    const options = this.reflector.get<GqlAuthenticatedOptions | undefined>(GQL_AUTHENTICATED, context.getHandler());
    if (!options) throw new DomainError(ErrorCode.Internal, 'GraphQL operation without @GqlAuthenticated.');
    const { [IDEMPOTENCY_ARG]: rawKey, ...args } = gql.getArgs<Record<string, unknown>>();
    const anyCredential = 'anyCredential' in options;
    const identityArg = anyCredential ? undefined : options.identityArg;
    const identityValue = identityArg ? args[identityArg] : undefined;
    const write = !anyCredential && (options.write ?? false);
    const idempotent = this.reflector.get<boolean | undefined>(IDEMPOTENT_OPERATION, context.getHandler());
    const key =
      idempotent && rawKey !== undefined && rawKey !== null
        ? checkedIdempotencyKey(rawKey, IDEMPOTENCY_ARG)
        : undefined;
    return {
      name: `graphql ${gql.getInfo<{ fieldName: string }>().fieldName}`,
      principal: authentication.principal,
      policy: anyCredential ? { anyCredential: true } : { scope: options.scope, identityParam: identityArg, write },
      write,
      params: identityArg ? { [identityArg]: typeof identityValue === 'string' ? identityValue : undefined } : {},
      idempotency: key === undefined ? undefined : { key, fingerprint: requestFingerprint({}, args), status: 200 },
    };
  }
}
