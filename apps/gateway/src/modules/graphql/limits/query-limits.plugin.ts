import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphqlContext } from '../graphql-context.js';
import { checkQueryLimits, type QueryLimits } from './query-limits.js';

/** Applies the depth and complexity limits to every HTTP operation once it is parsed and validated. */
export function queryLimitsPlugin(limits: QueryLimits): ApolloServerPlugin<GraphqlContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema }) {
          const [error] = checkQueryLimits(schema, document, request.variables, request.operationName, limits);
          if (error) throw error;
        },
      };
    },
  };
}
