import { HttpException } from '@nestjs/common';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DomainError, ErrorCode, dependencyUnavailable, textRefusedByDatabase } from '../../../common/errors/index.js';
import { codeForStatus } from '../../../common/errors/problem-details.js';

export const INTERNAL_MESSAGE =
  'An unexpected error occurred. Quote the x-request-id response header when you report it.';

/** What a GraphQL client learns about a failure, and whether the gateway's log should get the original. */
export interface MappedError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly extensions: Readonly<Record<string, unknown>>;
  /** The gateway's fault (not the caller's): logged with the request id, message redacted when unexpected. */
  readonly serverFault: boolean;
}

const codes = new Set<string>(Object.values(ErrorCode));

/** graphql-js and Apollo report request-level problems (parse, validation, variable coercion) with their own codes. */
const APOLLO_CODES: Readonly<Record<string, ErrorCode>> = {
  GRAPHQL_PARSE_FAILED: ErrorCode.BadRequest,
  GRAPHQL_VALIDATION_FAILED: ErrorCode.BadRequest,
  BAD_USER_INPUT: ErrorCode.ValidationFailed,
  BAD_REQUEST: ErrorCode.BadRequest,
  PERSISTED_QUERY_NOT_FOUND: ErrorCode.BadRequest,
  PERSISTED_QUERY_NOT_SUPPORTED: ErrorCode.BadRequest,
  OPERATION_RESOLUTION_FAILURE: ErrorCode.BadRequest,
};

/** Whether a code means the gateway (or what it depends on) failed rather than the caller. */
export function isServerFault(code: ErrorCode): boolean {
  switch (code) {
    case ErrorCode.Internal:
    case ErrorCode.BadGateway:
    case ErrorCode.ServiceUnavailable:
    case ErrorCode.GatewayTimeout:
      return true;
    case ErrorCode.BadRequest:
    case ErrorCode.ValidationFailed:
    case ErrorCode.Unauthenticated:
    case ErrorCode.Forbidden:
    case ErrorCode.NotFound:
    case ErrorCode.MethodNotAllowed:
    case ErrorCode.Conflict:
    case ErrorCode.PayloadTooLarge:
    case ErrorCode.UnsupportedMediaType:
    case ErrorCode.Unprocessable:
    case ErrorCode.RateLimited:
      return false;
    default:
      return assertNever(code);
  }
}

function assertNever(code: never): never {
  throw new Error(`unmapped error code ${String(code)}`);
}

function fromDomainError(error: DomainError): MappedError {
  const { errors, ...details } = error.details;
  const extensions: Record<string, unknown> = { ...details };
  if (errors?.length) {
    extensions.errors = errors;
    extensions.field = [...new Set(errors.map((problem) => problem.field))];
  }
  const internal = error.code === ErrorCode.Internal;
  return {
    code: error.code,
    message: internal ? INTERNAL_MESSAGE : error.message,
    extensions: internal ? {} : extensions,
    serverFault: isServerFault(error.code),
  };
}

function unexpected(): MappedError {
  return { code: ErrorCode.Internal, message: INTERNAL_MESSAGE, extensions: {}, serverFault: true };
}

/**
 * The one place a failure becomes a GraphQL error: DomainError keeps its code (the same string REST puts in
 * problem+json), request-level GraphQL problems become BAD_REQUEST or VALIDATION_FAILED, anything else is INTERNAL
 * with no detail. `error` is what Apollo or graphql-ws hands over (usually a GraphQLError wrapping the thrown value).
 */
export function mapGraphqlError(error: unknown): MappedError {
  const unwrapped = unwrapResolverError(error);
  const original = dependencyUnavailable(unwrapped) ?? textRefusedByDatabase(unwrapped) ?? unwrapped;
  if (original instanceof DomainError) return fromDomainError(original);
  if (original instanceof HttpException) {
    const code = codeForStatus(original.getStatus());
    return code === ErrorCode.Internal
      ? unexpected()
      : { code, message: original.message, extensions: {}, serverFault: isServerFault(code) };
  }
  if (original instanceof GraphQLError) {
    const raw = original.extensions?.code;
    if (typeof raw === 'string' && codes.has(raw)) {
      const code = raw as ErrorCode;
      const { code: _, http: __, ...rest } = original.extensions;
      return {
        code,
        message: code === ErrorCode.Internal ? INTERNAL_MESSAGE : original.message,
        extensions: rest,
        serverFault: isServerFault(code),
      };
    }
    const mapped = typeof raw === 'string' ? APOLLO_CODES[raw] : undefined;
    // Without a code, a GraphQLError raised outside any resolver is a document problem (graphql-ws validation).
    if (mapped) return { code: mapped, message: original.message, extensions: {}, serverFault: false };
    const documentProblem = original.originalError === undefined || original.originalError instanceof GraphQLError;
    if (raw === undefined && !original.path && documentProblem)
      return { code: ErrorCode.BadRequest, message: original.message, extensions: {}, serverFault: false };
  }
  return unexpected();
}

/** Apollo `formatError` (and the websocket's): the client-facing shape of a mapped error. */
export function formatGraphqlError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const mapped = mapGraphqlError(error);
  return {
    message: mapped.message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { ...mapped.extensions, code: mapped.code },
  };
}
