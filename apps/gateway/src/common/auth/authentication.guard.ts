import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError, ErrorCode } from '../errors/index.js';
import { Authenticator } from './authenticator.js';
import { authorize, type AuthenticatedOptions } from './authorization.js';
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
 * Authenticates the bearer credential and checks it against the route's `@Authenticated(...)` options.
 * 401 UNAUTHENTICATED (with `WWW-Authenticate: Bearer`) when the credential is missing or not valid,
 * 403 FORBIDDEN when it is valid but not allowed here.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const options =
      this.reflector.getAllAndOverride<AuthenticatedOptions | undefined>(AUTHENTICATED_OPTIONS, [
        context.getHandler(),
        context.getClass(),
      ]) ?? {};
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    try {
      const credential = bearerCredential(request.headers.authorization);
      if (!credential) {
        throw new DomainError(ErrorCode.Unauthenticated, 'Send a credential as `Authorization: Bearer <credential>`.');
      }
      const principal = await this.authenticator.authenticate(credential);
      authorize(principal, options, { method: request.method, params: request.params ?? {} });
      request.principal = principal;
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
