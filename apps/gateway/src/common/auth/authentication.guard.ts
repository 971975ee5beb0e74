import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { DomainError, ErrorCode } from '../errors/index.js';
import { Authenticator } from './authenticator.js';
import { bearerCredential } from './bearer.js';
import type { Principal } from './principal.js';

export const AUTHENTICATED_OPTIONS = Symbol('mailroom:authenticated');

/** The request as the guard sees it (Fastify request; Express would do too). */
export interface AuthenticatedRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  params?: Record<string, string | undefined>;
  principal?: Principal;
}

interface HeaderReply {
  header?: (name: string, value: string) => unknown;
  setHeader?: (name: string, value: string) => unknown;
}

/**
 * Settles who is calling from the bearer credential: 401 UNAUTHENTICATED (with `WWW-Authenticate: Bearer`) when it
 * is missing or not valid. What the caller may do here (the route's `@Authenticated(...)` options) is checked by the
 * operation pipeline, the same for every transport.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(private readonly authenticator: Authenticator) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    try {
      const credential = bearerCredential(request.headers.authorization);
      if (!credential) {
        throw new DomainError(ErrorCode.Unauthenticated, 'Send a credential as `Authorization: Bearer <credential>`.');
      }
      request.principal = await this.authenticator.authenticate(credential);
      return true;
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.Unauthenticated) {
        const reply = http.getResponse<HeaderReply>();
        if (reply.header) reply.header('WWW-Authenticate', 'Bearer');
        else reply.setHeader?.('WWW-Authenticate', 'Bearer');
      }
      throw error;
    }
  }
}
