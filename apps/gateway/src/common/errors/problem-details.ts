import { STATUS_CODES } from 'node:http';
import { ErrorCode } from './error-code.js';

/** RFC 9457 problem details, plus our stable `code` and the request id for support. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: ErrorCode;
  requestId?: string;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  [ErrorCode.BadRequest]: 400,
  [ErrorCode.ValidationFailed]: 400,
  [ErrorCode.Unauthenticated]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.MethodNotAllowed]: 405,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.PayloadTooLarge]: 413,
  [ErrorCode.UnsupportedMediaType]: 415,
  [ErrorCode.Unprocessable]: 422,
  [ErrorCode.RateLimited]: 429,
  [ErrorCode.Internal]: 500,
  [ErrorCode.BadGateway]: 502,
  [ErrorCode.ServiceUnavailable]: 503,
  [ErrorCode.GatewayTimeout]: 504,
};

export function statusForCode(code: ErrorCode): number {
  return STATUS_BY_CODE[code];
}

export function codeForStatus(status: number): ErrorCode {
  const exact = (Object.entries(STATUS_BY_CODE) as [ErrorCode, number][]).find(
    ([code, s]) => s === status && code !== ErrorCode.ValidationFailed,
  );
  if (exact) return exact[0];
  return status >= 500 ? ErrorCode.Internal : ErrorCode.BadRequest;
}

export function problemTypeUri(code: ErrorCode): string {
  return `https://mailroom.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`;
}

export function titleForStatus(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}
