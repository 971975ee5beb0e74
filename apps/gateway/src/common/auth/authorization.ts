import type { ApiKeyScope } from '@mailroom/persistence';
import { DomainError, ErrorCode } from '../errors/index.js';
import { canWrite, type Principal } from './principal.js';

export interface AuthenticatedOptions {
  /**
   * The API key scope this route needs. Without it the route takes admin JWTs only (API keys answer 403).
   * Admins pass scope checks by role: owner and admin always, viewer on reads only.
   */
  readonly scope?: ApiKeyScope;
  /**
   * The route parameter holding an identity id. Only routes that name it accept identity tokens, and only
   * the token of that identity.
   */
  readonly identityParam?: string;
  /** Whether the route changes state; defaults to every method but GET and HEAD. Viewers may not write. */
  readonly write?: boolean;
}

export interface RequestFacts {
  readonly method: string;
  readonly params: Readonly<Record<string, string | undefined>>;
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Throws DomainError(FORBIDDEN) unless the principal may call a route declared with `options`. */
export function authorize(principal: Principal, options: AuthenticatedOptions, request: RequestFacts): void {
  const write = options.write ?? !READ_METHODS.has(request.method.toUpperCase());
  switch (principal.type) {
    case 'admin':
      if (write && !canWrite(principal.role)) {
        throw new DomainError(ErrorCode.Forbidden, 'The viewer role can read but not change anything.');
      }
      return;
    case 'apiKey':
      if (!options.scope)
        throw new DomainError(ErrorCode.Forbidden, 'This route needs an admin login; API keys are not accepted.');
      if (!principal.scopes.includes(options.scope)) {
        throw new DomainError(ErrorCode.Forbidden, `This API key lacks the "${options.scope}" scope.`, {
          requiredScope: options.scope,
        });
      }
      return;
    case 'identity': {
      const target = options.identityParam ? request.params[options.identityParam] : undefined;
      if (!options.identityParam)
        throw new DomainError(ErrorCode.Forbidden, 'Identity tokens are not accepted on this route.');
      if (target !== principal.identityId)
        throw new DomainError(ErrorCode.Forbidden, 'This identity token is for another identity.');
      return;
    }
  }
}
