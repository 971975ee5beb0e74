import type { ErrorCode } from './error-code.js';

/** A field-level problem in the input, reported back to the caller. */
export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `members.3` or `content.text`. */
  readonly field: string;
  readonly message: string;
}

/**
 * The one error type services throw for expected failures. Services never import HTTP or GraphQL types:
 * each transport maps `code` to its own status once, in its exception filter.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { readonly errors?: readonly FieldProblem[]; readonly [key: string]: unknown } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
