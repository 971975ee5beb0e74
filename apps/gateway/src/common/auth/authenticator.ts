import type { Principal } from './principal.js';

/**
 * Turns a bearer credential (API key, admin JWT or identity JWT) into a principal, or throws
 * DomainError(UNAUTHENTICATED). Transport-agnostic: the HTTP guard and the GraphQL websocket handshake share it.
 * Provided by AuthModule.
 */
export abstract class Authenticator {
  abstract authenticate(credential: string): Promise<Principal>;
}
