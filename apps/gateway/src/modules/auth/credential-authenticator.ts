import { Injectable } from '@nestjs/common';
import passport from 'passport';
import { Authenticator, type Principal } from '../../common/auth/index.js';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { ApiKeyAuthenticator } from '../api-keys/api-key-authenticator.js';
import { looksLikeApiKey } from '../api-keys/api-key-secret.js';
import { JWT_STRATEGY } from './token-claims.js';

/**
 * API keys are resolved by hash; anything else goes through the passport-jwt strategy. It takes the bare
 * credential rather than a request, so the GraphQL websocket handshake can use it too.
 */
@Injectable()
export class CredentialAuthenticator extends Authenticator {
  constructor(private readonly apiKeys: ApiKeyAuthenticator) {
    super();
  }

  authenticate(credential: string): Promise<Principal> {
    return looksLikeApiKey(credential) ? this.apiKeys.authenticate(credential) : this.verifyJwt(credential);
  }

  private verifyJwt(token: string): Promise<Principal> {
    return new Promise<Principal>((resolve, reject) => {
      const request = { headers: { authorization: `Bearer ${token}` } };
      const middleware = passport.authenticate(
        JWT_STRATEGY,
        { session: false },
        (error: unknown, principal: Principal | false) => {
          if (error) reject(error);
          else if (principal) resolve(principal);
          else reject(invalidToken());
        },
      );
      middleware(request, {}, (error?: unknown) => reject(error ?? invalidToken()));
    });
  }
}

function invalidToken(): DomainError {
  return new DomainError(ErrorCode.Unauthenticated, 'The token is not valid or has expired.');
}
