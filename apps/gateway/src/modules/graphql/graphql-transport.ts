import type { ApolloDriverConfig } from '@nestjs/apollo';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { parse, type ExecutionResult } from 'graphql';
import type { Context as WsContext } from 'graphql-ws';
import type { IncomingMessage } from 'node:http';
import type { Authenticator } from '../../common/auth/index.js';
import { requestIdFrom } from '../../common/logging/logging.module.js';
import { authenticateBearer } from './auth/authenticate-credential.js';
import { errorLoggingPlugin, logServerFaults } from './errors/error-logging.plugin.js';
import { formatGraphqlError } from './errors/graphql-error-mapping.js';
import type { Authentication, GraphqlContext } from './graphql-context.js';
import { checkQueryLimits, type QueryLimits } from './limits/query-limits.js';
import { queryLimitsPlugin } from './limits/query-limits.plugin.js';
import type { LoaderServices } from './request-loaders.js';

export const GRAPHQL_PATH = '/graphql';

/** What graphql-ws keeps per socket: the upgrade request, plus what `onConnect` settled. */
interface SocketExtra {
  readonly request: IncomingMessage;
  readonly socket: { close(code: number, reason: string): void };
  requestId?: string;
  authentication?: Authentication;
}

/** Fastify's request as Apollo's integration hands it to the context function. */
interface HttpRequestLike {
  readonly id: string;
  readonly headers: Record<string, string | string[] | undefined>;
}

function isWsContext(value: unknown): value is WsContext<Record<string, unknown>, SocketExtra> {
  return typeof value === 'object' && value !== null && 'connectionInitReceived' in value && 'extra' in value;
}

/** graphql-ws closes refused handshakes with 4403; the reason carries the same code a HTTP client would get. */
const FORBIDDEN_CLOSE = 4403;

export interface TransportDeps {
  readonly authenticator: Authenticator;
  readonly loaders: LoaderServices;
  readonly limits: QueryLimits;
  readonly production: boolean;
  /** Answer introspection queries (API_DOCS). */
  readonly introspection: boolean;
  /** The built schema (for checks the websocket transport runs outside Apollo). */
  readonly schema: () => GraphQLSchema;
}

/**
 * Apollo (HTTP, through @as-integrations/fastify) and graphql-ws options. Both transports share the context
 * (principal settled once, per-request DataLoaders), the error mapping and the query limits.
 */
export function graphqlTransportOptions(deps: TransportDeps): ApolloDriverConfig {
  const context = async (requestOrSocket: unknown): Promise<GraphqlContext> => {
    if (isWsContext(requestOrSocket)) {
      const { extra } = requestOrSocket;
      return {
        transport: 'ws',
        requestId: extra.requestId ?? requestIdFrom(extra.request.headers),
        authentication: extra.authentication ?? { kind: 'anonymous' },
        loaders: deps.loaders.createRequestLoaders(),
      };
    }
    const request = requestOrSocket as HttpRequestLike;
    return {
      transport: 'http',
      requestId: String(request.id),
      authentication: await authenticateBearer(deps.authenticator, request.headers.authorization),
      loaders: deps.loaders.createRequestLoaders(),
    };
  };

  const formatWsResult = (result: ExecutionResult, requestId: string | undefined): ExecutionResult => {
    if (!result.errors?.length) return result;
    logServerFaults(result.errors, requestId);
    return { ...result, errors: result.errors.map((error) => formatGraphqlError(error.toJSON(), error)) as never };
  };

  return {
    path: GRAPHQL_PATH,
    autoSchemaFile: true,
    sortSchema: true,
    introspection: deps.introspection,
    graphiql: !deps.production,
    autoTransformHttpErrors: false,
    // One mapping for every error of the transport (GraphQL over HTTP here, websockets below).
    formatError: (formatted: GraphQLFormattedError, error: unknown) => formatGraphqlError(formatted, error),
    includeStacktraceInErrorResponses: false,
    context,
    plugins: [queryLimitsPlugin(deps.limits), errorLoggingPlugin()],
    subscriptions: {
      'graphql-ws': {
        path: GRAPHQL_PATH,
        // `connection_init` payload: `{ authorization: "Bearer <API key or identity token>" }`.
        onConnect: async (ctx: WsContext<Record<string, unknown>, SocketExtra>) => {
          ctx.extra.requestId = requestIdFrom(ctx.extra.request.headers);
          const authentication = await authenticateBearer(deps.authenticator, ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization);
          if (authentication.kind !== 'authenticated') {
            const reason = authentication.kind === 'rejected' ? authentication.error.code : 'UNAUTHENTICATED';
            ctx.extra.socket.close(FORBIDDEN_CLOSE, reason);
            return false;
          }
          ctx.extra.authentication = authentication;
          return true;
        },
        onSubscribe: async (_ctx: WsContext, _id: string, payload: { query: string; variables?: Record<string, unknown> | null; operationName?: string | null }) => {
          let document;
          try {
            document = parse(payload.query);
          } catch {
            return undefined; // graphql-ws reports the syntax error itself
          }
          const errors = checkQueryLimits(deps.schema(), document, payload.variables ?? undefined, payload.operationName, deps.limits);
          return errors.length ? errors.map((error) => formatGraphqlError(error.toJSON(), error)) as never : undefined;
        },
        onNext: (ctx: WsContext<Record<string, unknown>, SocketExtra>, _id: string, _payload: unknown, _args: unknown, result: ExecutionResult) =>
          formatWsResult(result, ctx.extra.requestId),
        onError: (ctx: WsContext<Record<string, unknown>, SocketExtra>, _id: string, _payload: unknown, errors: readonly { toJSON(): GraphQLFormattedError }[]) => {
          logServerFaults(errors, ctx.extra.requestId);
          return errors.map((error) => formatGraphqlError(error.toJSON(), error));
        },
      } as never,
    },
  };
}
