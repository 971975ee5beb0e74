import type { ApolloDriverConfig } from '@nestjs/apollo';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { GraphQLError, NoSchemaIntrospectionCustomRule, parse, validate, type ExecutionResult } from 'graphql';
import type { ServerOptions, Context as WsContext } from 'graphql-ws';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { bearerCredential, type Authenticator } from '../../common/auth/index.js';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { requestIdFrom } from '../../common/logging/logging.module.js';
import { SubscriberTooSlowError } from '../realtime/event-iterator.js';
import { authenticateBearer } from './auth/authenticate-credential.js';
import { errorLoggingPlugin, logServerFaults } from './errors/error-logging.plugin.js';
import { formatGraphqlError } from './errors/graphql-error-mapping.js';
import type { Authentication, GraphqlContext } from './graphql-context.js';
import { checkQueryLimits, type QueryLimits } from './limits/query-limits.js';
import { queryLimitsPlugin } from './limits/query-limits.plugin.js';
import type { LoaderServices } from './request-loaders.js';
import type { SocketCredentials, SocketSession } from './ws/socket-credentials.js';
import { closeReason, WsCloseCode, type WebsocketLimits } from './ws/websocket-limits.js';

export const GRAPHQL_PATH = '/graphql';

/** What graphql-ws keeps per socket: the upgrade request, plus what `onConnect` settled. */
export interface SocketExtra {
  readonly request: IncomingMessage;
  readonly socket: WebSocket;
  requestId?: string;
  authentication?: Authentication;
  session?: SocketSession;
  /** Ends the socket of a reader that fell too far behind (set by the websocket server). */
  readonly dropSlowReader?: (reason: string) => void;
}

/** Fastify's request as Apollo's integration hands it to the context function. */
interface HttpRequestLike {
  readonly id: string;
  readonly headers: Record<string, string | string[] | undefined>;
}

type WsCtx = WsContext<Record<string, unknown>, SocketExtra>;

function isWsContext(value: unknown): value is WsCtx {
  return typeof value === 'object' && value !== null && 'connectionInitReceived' in value && 'extra' in value;
}

/** A DomainError as graphql-ws expects an operation's errors (GraphQLError instances, formatted in `onError`). */
function operationError(error: DomainError): GraphQLError {
  return new GraphQLError(error.message, { originalError: error, extensions: { code: error.code } });
}

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
function contextFactory(deps: TransportDeps): (requestOrSocket: unknown) => Promise<GraphqlContext> {
  return async (requestOrSocket: unknown): Promise<GraphqlContext> => {
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
}

/** Apollo over HTTP; the websocket transport is GraphqlWebsocketServer (ws/), configured by graphqlWsServerOptions. */
export function graphqlTransportOptions(deps: TransportDeps): ApolloDriverConfig {
  return {
    path: GRAPHQL_PATH,
    autoSchemaFile: true,
    sortSchema: true,
    introspection: deps.introspection,
    graphiql: !deps.production,
    autoTransformHttpErrors: false,
    // One mapping for every error of the transport (GraphQL over HTTP here, websockets in graphqlWsServerOptions).
    formatError: (formatted: GraphQLFormattedError, error: unknown) => formatGraphqlError(formatted, error),
    includeStacktraceInErrorResponses: false,
    context: contextFactory(deps),
    plugins: [queryLimitsPlugin(deps.limits), errorLoggingPlugin()],
  };
}

/**
 * graphql-ws hooks. The handshake settles the principal; every operation authenticates the socket's credential again
 * (SocketCredentials closes the socket when it no longer holds) and counts against the socket's operation limit.
 */
export function graphqlWsServerOptions(
  deps: TransportDeps,
  credentials: SocketCredentials,
  limits: () => WebsocketLimits,
): ServerOptions<Record<string, unknown>, SocketExtra> {
  const formatWsResult = (result: ExecutionResult, requestId: string | undefined): ExecutionResult => {
    if (!result.errors?.length) return result;
    logServerFaults(result.errors, requestId);
    return { ...result, errors: result.errors.map((error) => formatGraphqlError(error.toJSON(), error)) as never };
  };

  return {
    schema: () => deps.schema(),
    context: contextFactory(deps) as ServerOptions<Record<string, unknown>, SocketExtra>['context'],
    // `connection_init` payload: `{ authorization: "Bearer <API key or identity token>" }`.
    onConnect: async (ctx: WsCtx) => {
      ctx.extra.requestId = requestIdFrom(ctx.extra.request.headers);
      const authorization = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
      const authentication = await authenticateBearer(deps.authenticator, authorization);
      if (authentication.kind !== 'authenticated') {
        const reason = authentication.kind === 'rejected' ? authentication.error.code : 'UNAUTHENTICATED';
        ctx.extra.socket.close(WsCloseCode.Forbidden, reason);
        return false;
      }
      const session = credentials.admit(
        ctx.extra.socket,
        bearerCredential(authorization as string)!,
        authentication.principal,
      );
      if (!session) return false;
      if (ctx.extra.socket.readyState !== ctx.extra.socket.OPEN) {
        // Closed while authenticating: graphql-ws's onClose has already run and would never release it.
        credentials.release(session);
        return false;
      }
      ctx.extra.session = session;
      ctx.extra.authentication = authentication;
      return true;
    },
    onSubscribe: async (ctx: WsCtx, _id: string, payload) => {
      const max = limits().maxOperationsPerSocket;
      // graphql-ws registers the operation before this hook, so it is counted.
      if (Object.keys(ctx.subscriptions).length > max) {
        return [
          operationError(
            new DomainError(
              ErrorCode.RateLimited,
              `At most ${max} operations run at once on one socket; complete one first.`,
            ),
          ),
        ];
      }
      const session = ctx.extra.session;
      if (!session)
        return [operationError(new DomainError(ErrorCode.Unauthenticated, 'The socket is not authenticated.'))];
      const recheck = await credentials.recheck(session);
      if (recheck.kind !== 'valid') return [operationError(recheck.error)];
      ctx.extra.authentication = { kind: 'authenticated', principal: recheck.principal };
      let document;
      try {
        document = parse(payload.query);
      } catch {
        return undefined; // graphql-ws reports the syntax error itself
      }
      const errors = checkQueryLimits(
        deps.schema(),
        document,
        payload.variables ?? undefined,
        payload.operationName,
        deps.limits,
      );
      // Apollo's `introspection` option covers HTTP only; sockets run the schema through graphql-ws directly.
      if (!deps.introspection) errors.push(...validate(deps.schema(), document, [NoSchemaIntrospectionCustomRule]));
      return errors.length ? errors : undefined;
    },
    onNext: (ctx: WsCtx, _id: string, _payload: unknown, _args: unknown, result: ExecutionResult) =>
      formatWsResult(result, ctx.extra.requestId) as never,
    onError: (ctx: WsCtx, _id: string, _payload: unknown, errors: readonly GraphQLError[]) => {
      logServerFaults(errors, ctx.extra.requestId);
      const tooSlow = errors.find((error) => error.originalError instanceof SubscriberTooSlowError);
      // The socket's reader is the bottleneck of all its subscriptions; the error itself would queue behind unread data.
      if (tooSlow) ctx.extra.dropSlowReader?.(closeReason(ErrorCode.RateLimited, 'the reader fell too far behind'));
      // graphql-ws wraps what a subscription's iterator throws (e.g. a reader too far behind) without a path, which the
      // shared mapping would treat as unexpected; a DomainError inside keeps its code.
      return errors.map((error) =>
        formatGraphqlError(error.toJSON(), error.originalError instanceof DomainError ? error.originalError : error),
      );
    },
    onClose: (ctx: WsCtx) => {
      if (ctx.extra.session) credentials.release(ctx.extra.session);
    },
  };
}
