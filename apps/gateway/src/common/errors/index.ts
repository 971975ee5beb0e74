export { ErrorCode } from './error-code.js';
export { DomainError, type FieldProblem } from './domain-error.js';
export { ProblemDetailsFilter } from './problem-details.filter.js';
export { PROBLEM_CONTENT_TYPE, statusForCode, type ProblemDetails } from './problem-details.js';
export { dependencyUnavailable, sendMayStillBePublished } from './dependency-errors.js';
export { textRefusedByDatabase } from './request-parsing-errors.js';
