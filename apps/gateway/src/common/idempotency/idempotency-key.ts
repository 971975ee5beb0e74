import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { DomainError, ErrorCode } from '../errors/index.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** Marks an operation (REST route or GraphQL mutation) as honouring an idempotency key. */
export const IDEMPOTENT_OPERATION = 'mailroom:idempotent';
const ACCEPTABLE_KEY = /^[\x21-\x7e]{1,255}$/;

type Headers = Record<string, string | string[] | undefined>;

/** Checks a key from any transport; `field` names where it came from in the error. */
export function checkedIdempotencyKey(raw: unknown, field: string): string {
  if (typeof raw !== 'string' || !ACCEPTABLE_KEY.test(raw)) {
    throw new DomainError(ErrorCode.ValidationFailed, `${field} must be 1 to 255 visible ASCII characters.`, {
      errors: [{ field, message: 'must be 1 to 255 visible ASCII characters' }],
    });
  }
  return raw;
}

/** Reads the Idempotency-Key header; absent → undefined, malformed → VALIDATION_FAILED. */
export function idempotencyKeyOf(headers: Headers): string | undefined {
  const raw = headers[IDEMPOTENCY_HEADER];
  if (raw === undefined) return undefined;
  return checkedIdempotencyKey(Array.isArray(raw) ? raw[0] : raw, 'Idempotency-Key');
}

/**
 * Marks a POST route as honouring `Idempotency-Key`: same key and same request within 24 h → the first answer again
 * (with `Idempotent-Replayed: true`) and no second execution; same key, different request → 422. The operation
 * pipeline does the bookkeeping, for REST and GraphQL alike.
 */
export function Idempotent(): MethodDecorator {
  return applyDecorators(
    SetMetadata(IDEMPOTENT_OPERATION, true),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Retry-safe key (1–255 visible ASCII). Same key and body within 24 h replays the first answer; a different body answers 422.',
    }),
  );
}

/** The request's Idempotency-Key (already validated by the pipeline), for services that derive ids from it. */
export const IdempotencyKey = createParamDecorator((_: unknown, context: ExecutionContext): string | undefined =>
  idempotencyKeyOf(context.switchToHttp().getRequest<{ headers: Headers }>().headers),
);
