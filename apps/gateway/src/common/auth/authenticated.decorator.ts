import { applyDecorators, createParamDecorator, SetMetadata, UseGuards, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { TenantScope } from '@mailroom/persistence';
import { DomainError, ErrorCode } from '../errors/index.js';
import { AUTHENTICATED_OPTIONS, AuthenticationGuard, type AuthenticatedRequest } from './authentication.guard.js';
import type { AuthenticatedOptions } from './authorization.js';
import type { Principal } from './principal.js';

/**
 * Requires a bearer credential on a controller or route. `{ scope }` admits API keys holding that scope
 * (without it, admin JWTs only); `{ identityParam: 'id' }` also admits the identity token of `:id`.
 */
export function Authenticated(options: AuthenticatedOptions = {}): ClassDecorator & MethodDecorator {
  return applyDecorators(
    SetMetadata(AUTHENTICATED_OPTIONS, options),
    UseGuards(AuthenticationGuard),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'UNAUTHENTICATED: credential missing, malformed, expired or revoked' }),
    ApiForbiddenResponse({ description: 'FORBIDDEN: credential valid but lacks the scope or role' }),
  );
}

function principalOf(context: ExecutionContext): Principal {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  // Only reachable when a route uses the parameter decorators without @Authenticated: a programming error.
  if (!principal) throw new DomainError(ErrorCode.Internal, 'Route reads the principal but is not @Authenticated.');
  return principal;
}

/** The authenticated caller (admin, API key or identity). */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal =>
  principalOf(context),
);

/** The caller's tenant scope, the first argument of every tenant-scoped service call. */
export const CurrentTenant = createParamDecorator(
  (_: unknown, context: ExecutionContext): TenantScope => principalOf(context).scope,
);
