import type { components } from './generated/openapi.js';

/** An RFC 9457 problem+json body as the gateway answers it on every REST error. */
export type Problem = components['schemas']['Problem'];
export type ProblemCode = NonNullable<Problem['code']>;

/** A REST call answered with an error status. `problem` is the parsed problem+json body (or a stand-in). */
export class MailroomApiError extends Error {
  readonly status: number;
  readonly code: ProblemCode | undefined;
  readonly problem: Problem;
  readonly response: Response | undefined;

  constructor(status: number, problem: Problem, response?: Response) {
    super(problem.detail ?? problem.title ?? `Request failed with status ${status}`);
    this.name = 'MailroomApiError';
    this.status = status;
    this.code = problem.code;
    this.problem = problem;
    this.response = response;
  }

  /** Field problems of a VALIDATION_FAILED answer (empty otherwise). */
  get fieldErrors(): readonly { field: string; message: string }[] {
    return this.problem.errors ?? [];
  }

  static from(response: Response, body: unknown): MailroomApiError {
    const problem: Problem =
      body && typeof body === 'object'
        ? (body as Problem)
        : ({
            title: response.statusText || `HTTP ${response.status}`,
            status: response.status,
            detail: typeof body === 'string' && body ? body : undefined,
          } as Problem);
    return new MailroomApiError(response.status, problem, response);
  }
}

/** The gateway could not be reached (DNS, connection refused, CORS, offline). */
export class MailroomNetworkError extends Error {
  constructor(override readonly cause: unknown) {
    super(`Mailroom could not be reached: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'MailroomNetworkError';
  }
}
