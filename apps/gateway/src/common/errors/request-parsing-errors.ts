import { DomainError } from './domain-error.js';
import { ErrorCode } from './error-code.js';

/** A request the body parsers refused (multipart, JSON) as status and a message safe to show the client. */
export interface ParsingFailure {
  readonly status: number;
  readonly detail: string;
}

/** Busboy's own errors for broken multipart bodies are plain Errors; these are their messages. */
const MALFORMED_MULTIPART =
  /^(Multipart: |Unexpected end of (multipart|form) data|Malformed part header|Part terminated early)/;

/**
 * Errors raised while reading a request body rather than by a handler: Fastify's (and @fastify/multipart's) carry
 * a 4xx `statusCode` and an `FST_` code; Busboy's malformed-multipart errors carry neither.
 */
export function requestParsingFailure(exception: unknown): ParsingFailure | undefined {
  if (!(exception instanceof Error)) return undefined;
  const { statusCode, code } = exception as { statusCode?: unknown; code?: unknown };
  if (
    typeof statusCode === 'number' &&
    statusCode >= 400 &&
    statusCode < 500 &&
    typeof code === 'string' &&
    code.startsWith('FST_')
  ) {
    return { status: statusCode, detail: exception.message };
  }
  if (MALFORMED_MULTIPART.test(exception.message))
    return { status: 400, detail: `The multipart body is malformed: ${exception.message}` };
  return undefined;
}

/**
 * A path or query id that is not a UUID reached a query on a UUID column (Postgres 22P02, which Prisma reports as
 * P2007). Routes should refuse such ids themselves; when one does not, the id names nothing, so this is a 404.
 */
export function malformedIdLookup(exception: unknown): boolean {
  if (!(exception instanceof Error)) return false;
  const { code, name } = exception as { code?: unknown; name?: unknown };
  return (
    name === 'PrismaClientKnownRequestError' &&
    code === 'P2007' &&
    /invalid input syntax for type uuid/.test(exception.message)
  );
}

/**
 * Text Postgres cannot store: a NUL character (22021), which JSON and URLs can carry but a `text` column cannot.
 * Input no route checks for, so it is refused here, on both transports, as the client's mistake it is.
 */
export function textRefusedByDatabase(exception: unknown): DomainError | undefined {
  if (!(exception instanceof Error)) return undefined;
  const { name, meta } = exception as {
    name?: unknown;
    meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } };
  };
  if (name !== 'PrismaClientKnownRequestError' || meta?.driverAdapterError?.cause?.originalCode !== '22021')
    return undefined;
  return new DomainError(ErrorCode.ValidationFailed, 'Text may not contain the NUL character (U+0000).', {
    errors: [{ field: 'request', message: 'contains a NUL character (U+0000)' }],
  });
}
