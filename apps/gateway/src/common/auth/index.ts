export { Authenticated, CurrentPrincipal, CurrentTenant } from './authenticated.decorator.js';
export { AuthenticationGuard, AUTHENTICATED_OPTIONS, type AuthenticatedRequest } from './authentication.guard.js';
export { Authenticator } from './authenticator.js';
export { authorize, type AuthenticatedOptions, type RequestFacts } from './authorization.js';
export { bearerCredential } from './bearer.js';
export {
  actorOf,
  ADMIN_ROLES,
  API_KEY_SCOPES,
  canWrite,
  type AdminPrincipal,
  type ApiKeyPrincipal,
  type IdentityPrincipal,
  type Principal,
} from './principal.js';
