import { describe, expect, it } from '@jest/globals';
import { malformedIdLookup, requestParsingFailure, textRefusedByDatabase } from './request-parsing-errors.js';

describe('request parsing failures', () => {
  it('keeps the 4xx of Fastify errors and turns broken multipart into 400', () => {
    const limit = Object.assign(new Error('reach files limit'), { statusCode: 413, code: 'FST_FILES_LIMIT' });
    expect(requestParsingFailure(limit)).toEqual({ status: 413, detail: 'reach files limit' });
    expect(requestParsingFailure(new Error('Multipart: Boundary not found'))?.status).toBe(400);
    expect(requestParsingFailure(new Error('Unexpected end of multipart data'))?.status).toBe(400);
  });

  it('leaves other errors alone', () => {
    expect(requestParsingFailure(Object.assign(new Error('boom'), { statusCode: 500, code: 'FST_X' }))).toBeUndefined();
    expect(requestParsingFailure(new Error('database is down'))).toBeUndefined();
    expect(requestParsingFailure('text')).toBeUndefined();
  });

  it('recognises a non-UUID id that reached a UUID column', () => {
    const error = Object.assign(new Error('Invalid input value: invalid input syntax for type uuid: "cal"'), {
      name: 'PrismaClientKnownRequestError',
      code: 'P2007',
    });
    expect(malformedIdLookup(error)).toBe(true);
    expect(
      malformedIdLookup(Object.assign(new Error('other'), { name: 'PrismaClientKnownRequestError', code: 'P2007' })),
    ).toBe(false);
  });

  it('turns Postgres refusing a NUL character (22021) into a validation failure, and nothing else', () => {
    const prismaError = (originalCode: string) =>
      Object.assign(new Error(`Database error. Code: ${originalCode}`), {
        name: 'PrismaClientKnownRequestError',
        code: 'P2039',
        meta: { driverAdapterError: { cause: { originalCode } } },
      });
    expect(textRefusedByDatabase(prismaError('22021'))?.code).toBe('VALIDATION_FAILED');
    expect(textRefusedByDatabase(prismaError('23505'))).toBeUndefined();
    expect(textRefusedByDatabase(new Error('22021'))).toBeUndefined();
  });
});
