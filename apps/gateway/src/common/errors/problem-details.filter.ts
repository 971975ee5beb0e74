import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DomainError } from './domain-error.js';
import { ErrorCode } from './error-code.js';
import { dependencyUnavailable } from './dependency-errors.js';
import { malformedIdLookup, requestParsingFailure, textRefusedByDatabase } from './request-parsing-errors.js';
import {
  PROBLEM_CONTENT_TYPE,
  codeForStatus,
  problemTypeUri,
  statusForCode,
  titleForStatus,
  type ProblemDetails,
} from './problem-details.js';

interface RequestLike {
  id?: string | number;
  url?: string;
  originalUrl?: string;
  raw?: { id?: string | number };
}

/**
 * The only REST exception filter: every error leaves as RFC 9457 problem+json.
 * Unknown errors become a bare 500; their stack goes to the log with the request id, never to the client.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<RequestLike>();
    const response = http.getResponse();
    const requestId = String(request.id ?? request.raw?.id ?? '') || undefined;
    const problem = problemFor(exception);
    problem.instance = (request.originalUrl ?? request.url)?.split('?')[0];
    if (requestId) problem.requestId = requestId;

    if (problem.status >= 500) {
      this.logger.error({ err: exception, requestId, code: problem.code }, 'request failed');
    }
    const adapter = this.adapterHost.httpAdapter;
    adapter.setHeader(response, 'content-type', PROBLEM_CONTENT_TYPE);
    if (typeof problem.retryAfterSeconds === 'number')
      adapter.setHeader(response, 'retry-after', String(problem.retryAfterSeconds));
    adapter.reply(response, problem, problem.status);
  }
}

/** The problem+json answer for any error (unknown ones become a bare 500 without detail). */
export function problemFor(thrown: unknown): ProblemDetails {
  const exception = dependencyUnavailable(thrown) ?? textRefusedByDatabase(thrown) ?? thrown;
  if (exception instanceof DomainError) {
    const status = statusForCode(exception.code);
    return {
      type: problemTypeUri(exception.code),
      title: titleForStatus(status),
      status,
      detail: exception.message,
      code: exception.code,
      ...exception.details,
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code = codeForStatus(status);
    return {
      type: problemTypeUri(code),
      title: titleForStatus(status),
      status,
      detail: httpExceptionDetail(exception, status),
      code,
    };
  }
  const parsing = requestParsingFailure(exception);
  if (parsing) {
    const code = codeForStatus(parsing.status);
    return {
      type: problemTypeUri(code),
      title: titleForStatus(parsing.status),
      status: parsing.status,
      detail: parsing.detail,
      code,
    };
  }
  if (malformedIdLookup(exception)) {
    return {
      type: problemTypeUri(ErrorCode.NotFound),
      title: titleForStatus(404),
      status: 404,
      detail: 'Not found.',
      code: ErrorCode.NotFound,
    };
  }
  const bodyParserStatus = bodyParserErrorStatus(exception);
  if (bodyParserStatus) {
    const code = codeForStatus(bodyParserStatus);
    return {
      type: problemTypeUri(code),
      title: titleForStatus(bodyParserStatus),
      status: bodyParserStatus,
      detail: bodyParserStatus === 413 ? 'The request body is too large.' : 'The request body is not valid JSON.',
      code,
    };
  }
  return {
    type: problemTypeUri(ErrorCode.Internal),
    title: titleForStatus(500),
    status: 500,
    detail: 'An unexpected error occurred. Quote the request id when you report it.',
    code: ErrorCode.Internal,
  };
}

function httpExceptionDetail(exception: HttpException, status: number): string {
  const body = exception.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.join('; ');
  return titleForStatus(status);
}

/** Errors raised by the JSON body parser before any handler ran (they carry `status` and `type`). */
function bodyParserErrorStatus(exception: unknown): number | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const { status, type } = exception as { status?: unknown; type?: unknown };
  if (typeof status !== 'number' || typeof type !== 'string') return undefined;
  return status === 400 || status === 413 || status === 415 ? status : undefined;
}
