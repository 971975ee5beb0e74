import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { authorize } from '../../../common/auth/index.js';
import { DomainError, ErrorCode } from '../../../common/errors/index.js';
import type { GraphqlContext } from '../graphql-context.js';
import type { GqlAuthenticatedOptions } from './gql-authenticated.decorator.js';

export const GQL_AUTHENTICATED = Symbol('mailroom:gql-authenticated');

/**
 * The GraphQL twin of the REST AuthenticationGuard: the principal was settled once in the context (HTTP header or
 * websocket `connection_init`); this checks it against the operation with the same `authorize` rules, treating the
 * operation's arguments as the route parameters.
 */
@Injectable()
export class GqlAuthenticationGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const options = this.reflector.get<GqlAuthenticatedOptions | undefined>(GQL_AUTHENTICATED, context.getHandler());
    if (!options) throw new DomainError(ErrorCode.Internal, 'GqlAuthenticationGuard used without @GqlAuthenticated.');
    const gql = GqlExecutionContext.create(context);
    const { authentication } = gql.getContext<GraphqlContext>();
    if (authentication.kind === 'rejected') throw authentication.error;
    if (authentication.kind === 'anonymous') {
      throw new DomainError(ErrorCode.Unauthenticated, 'Send a credential as `Authorization: Bearer <credential>`.');
    }
    if ('anyCredential' in options) return true;
    const args = gql.getArgs<Record<string, unknown>>();
    const params: Record<string, string | undefined> = {};
    if (options.identityArg) {
      const value = args[options.identityArg];
      params[options.identityArg] = typeof value === 'string' ? value : undefined;
    }
    authorize(
      authentication.principal,
      { scope: options.scope, identityParam: options.identityArg, write: options.write ?? false },
      { method: options.write ? 'POST' : 'GET', params },
    );
    return true;
  }
}
