import {
  applyDecorators,
  createParamDecorator,
  SetMetadata,
  UseGuards,
  UseInterceptors,
  type ExecutionContext,
} from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { ApiKeyScope, TenantScope } from '@mailroom/persistence';
import type { Principal } from '../../../common/auth/index.js';
import { DomainError, ErrorCode } from '../../../common/errors/index.js';
import type { GraphqlContext } from '../graphql-context.js';
import { GqlOperationInterceptor } from '../operations/gql-operation.interceptor.js';
import { GQL_AUTHENTICATED, GqlAuthenticationGuard } from './gql-authentication.guard.js';

export type GqlAuthenticatedOptions =
  | {
      /** The API key scope the operation needs (admins pass by role, as on REST). */
      readonly scope: ApiKeyScope;
      /** The argument holding an identity id; only operations naming one accept identity tokens, for that identity only. */
      readonly identityArg?: string;
      /** Whether the operation changes state (mutations); viewers may not. Defaults to false. */
      readonly write?: boolean;
    }
  | {
      /** Any valid credential will do (operations about the caller itself). */
      readonly anyCredential: true;
    };

/** Runs a query, mutation or subscription through the operation pipeline (same rules and budgets as REST). */
export function GqlAuthenticated(options: GqlAuthenticatedOptions): MethodDecorator {
  return applyDecorators(
    SetMetadata(GQL_AUTHENTICATED, options),
    UseGuards(GqlAuthenticationGuard),
    UseInterceptors(GqlOperationInterceptor),
  );
}

function principalOf(context: ExecutionContext): Principal {
  const { authentication } = GqlExecutionContext.create(context).getContext<GraphqlContext>();
  // Only reachable when a resolver reads the principal without @GqlAuthenticated: a programming error.
  if (authentication.kind !== 'authenticated') {
    throw new DomainError(ErrorCode.Internal, 'Resolver reads the principal but is not @GqlAuthenticated.');
  }
  return authentication.principal;
}

/** The authenticated caller. */
export const GqlPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal =>
  principalOf(context),
);
/** The caller's tenant scope, the first argument of every tenant-scoped service call. */
export const GqlTenant = createParamDecorator(
  (_: unknown, context: ExecutionContext): TenantScope => principalOf(context).scope,
);
