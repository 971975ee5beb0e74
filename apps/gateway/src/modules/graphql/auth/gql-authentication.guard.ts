import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { DomainError, ErrorCode } from '../../../common/errors/index.js';
import type { GraphqlContext } from '../graphql-context.js';

export const GQL_AUTHENTICATED = Symbol('mailroom:gql-authenticated');

/**
 * The GraphQL twin of the REST AuthenticationGuard: the principal was settled once in the context (HTTP header or
 * websocket `connection_init`); this refuses anonymous or rejected callers. What the caller may do is checked by the
 * operation pipeline (GqlOperationInterceptor), with the same rules as REST.
 */
@Injectable()
export class GqlAuthenticationGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const { authentication } = GqlExecutionContext.create(context).getContext<GraphqlContext>();
    if (authentication.kind === 'rejected') throw authentication.error;
    if (authentication.kind === 'anonymous') {
      throw new DomainError(ErrorCode.Unauthenticated, 'Send a credential as `Authorization: Bearer <credential>`.');
    }
    return true;
  }
}
