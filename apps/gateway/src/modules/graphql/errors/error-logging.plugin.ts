import { Logger } from '@nestjs/common';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphqlContext } from '../graphql-context.js';
import { mapGraphqlError } from './graphql-error-mapping.js';

const logger = new Logger('GraphQL');

/** Logs what the gateway got wrong (never the caller's mistakes) with the original error and the request id. */
export function logServerFaults(
  errors: readonly unknown[],
  requestId: string | undefined,
  operationName?: string | null,
): void {
  for (const error of errors) {
    const mapped = mapGraphqlError(error);
    if (mapped.serverFault)
      logger.error({ err: error, requestId, code: mapped.code, operationName }, 'GraphQL operation failed');
  }
}

export function errorLoggingPlugin(): ApolloServerPlugin<GraphqlContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          logServerFaults(errors, contextValue?.requestId, operationName);
        },
      };
    },
  };
}
