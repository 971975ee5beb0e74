import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { DomainError, ErrorCode, type FieldProblem } from '../errors/index.js';

/** Flattens class-validator's tree into `{ field, message }` pairs with dotted paths. */
export function flattenValidationErrors(errors: readonly ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** Global DTO validation: unknown fields are refused, and failures become VALIDATION_FAILED problems. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const problems = flattenValidationErrors(errors);
      return new DomainError(
        ErrorCode.ValidationFailed,
        problems.map((p) => p.message).join('; ') || 'The request is not valid.',
        { errors: problems },
      );
    },
  });
}
