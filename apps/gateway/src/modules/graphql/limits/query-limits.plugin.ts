import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../../common/errors/index.js';
import type { GraphqlContext } from '../graphql-context.js';
import { checkQueryLimits, type QueryLimits } from './query-limits.js';

/**
 * Applies the depth and complexity limits to every HTTP operation once it is parsed and validated, and refuses
 * subscriptions over HTTP (their resolvers expect an event payload, which only graphql-ws delivers).
 */
export function queryLimitsPlugin(limits: QueryLimits): ApolloServerPlugin<GraphqlContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema, operation }) {
          if (operation?.operation === 'subscription') {
            throw new GraphQLError('Subscriptions run over a graphql-ws websocket on /graphql, not over HTTP.', {
              extensions: { code: ErrorCode.BadRequest, http: { status: 400 } },
            });
          }
          const [error] = checkQueryLimits(schema, document, request.variables, request.operationName, limits);
          if (error) throw error;
        },
      };
    },
  };
}
