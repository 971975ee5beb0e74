import { SetMetadata } from '@nestjs/common';
import { IDEMPOTENT_OPERATION } from '../../../common/idempotency/index.js';

export { IDEMPOTENCY_ARG } from '../operations/gql-operation.interceptor.js';

/**
 * Marks a mutation as honouring its `idempotencyKey` argument: the operation pipeline stores it per tenant under
 * `graphql <mutation>`, fingerprinted over the other arguments, exactly as REST's Idempotency-Key.
 */
export function GqlIdempotent(): MethodDecorator {
  return SetMetadata(IDEMPOTENT_OPERATION, true);
}
