import { bearerCredential, type Authenticator } from '../../../common/auth/index.js';
import { DomainError, ErrorCode } from '../../../common/errors/index.js';
import type { Authentication } from '../graphql-context.js';

/**
 * Settles an `Authorization`-style value (`Bearer <credential>`) into an Authentication. Never throws: a missing
 * credential is anonymous and a bad one is remembered, so the field that needs a principal reports the error.
 */
export async function authenticateBearer(
  authenticator: Authenticator,
  authorization: unknown,
): Promise<Authentication> {
  if (authorization === undefined || authorization === null || authorization === '') return { kind: 'anonymous' };
  const credential = bearerCredential(typeof authorization === 'string' ? authorization : undefined);
  if (!credential) {
    return {
      kind: 'rejected',
      error: new DomainError(ErrorCode.Unauthenticated, 'Send a credential as `Bearer <credential>`.'),
    };
  }
  try {
    return { kind: 'authenticated', principal: await authenticator.authenticate(credential) };
  } catch (error) {
    if (error instanceof DomainError) return { kind: 'rejected', error };
    throw error;
  }
}
