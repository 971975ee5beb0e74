import { ErrorCode } from '../common/errors/error-code.js';
import {
  PROBLEM_CONTENT_TYPE,
  problemTypeUri,
  statusForCode,
  titleForStatus,
} from '../common/errors/problem-details.js';

/** Name of the reusable RFC 9457 problem schema under `components.schemas`. */
export const PROBLEM_SCHEMA = 'Problem';
export const PROBLEM_SCHEMA_REF = `#/components/schemas/${PROBLEM_SCHEMA}`;

/** The problem+json body every REST error answers with (see ProblemDetailsFilter). */
export const problemSchema = {
  type: 'object',
  description: 'RFC 9457 problem details with a stable `code`; `errors` lists field problems of VALIDATION_FAILED.',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string', format: 'uri', example: problemTypeUri(ErrorCode.NotFound) },
    title: { type: 'string', example: 'Not Found' },
    status: { type: 'integer', minimum: 400, maximum: 599, example: 404 },
    detail: { type: 'string', example: 'Identity not found.' },
    instance: { type: 'string', description: 'The request path.', example: '/v1/identities/5f0c…' },
    code: { type: 'string', enum: Object.values(ErrorCode), example: ErrorCode.NotFound },
    requestId: { type: 'string', description: 'Quote it to support; also in the x-request-id header.' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: {
          field: { type: 'string', example: 'content.text' },
          message: { type: 'string', example: 'text must be a string' },
        },
      },
    },
  },
  additionalProperties: true,
} as const;

/** Which codes a status carries (several statuses share one code family). */
export function codesForStatus(status: number): ErrorCode[] {
  return Object.values(ErrorCode).filter((code) => statusForCode(code) === status);
}

/** A `content` entry for a problem answer of `status`, with an example naming its code. */
export function problemContent(status: number, detail: string): Record<string, unknown> {
  const code = codesForStatus(status)[0] ?? (status >= 500 ? ErrorCode.Internal : ErrorCode.BadRequest);
  return {
    [PROBLEM_CONTENT_TYPE]: {
      schema: { $ref: PROBLEM_SCHEMA_REF },
      example: { type: problemTypeUri(code), title: titleForStatus(status), status, detail, code },
    },
  };
}
