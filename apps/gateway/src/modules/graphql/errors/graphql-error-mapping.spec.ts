import { describe, expect, it } from '@jest/globals';
import { ForbiddenException } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import { DomainError, ErrorCode } from '../../../common/errors/index.js';
import { INTERNAL_MESSAGE, isServerFault, mapGraphqlError } from './graphql-error-mapping.js';

/** What graphql-js makes of an error thrown in a resolver. */
const fromResolver = (thrown: Error) => new GraphQLError(thrown.message, { path: ['field'], originalError: thrown });

describe('mapGraphqlError', () => {
  it('keeps a DomainError code and message, and lists the fields of a validation failure', () => {
    const error = new DomainError(ErrorCode.ValidationFailed, 'bad', {
      errors: [
        { field: 'content.text', message: 'must be a non-empty string' },
        { field: 'content.text', message: 'is too long' },
        { field: 'members.3', message: 'is not an address' },
      ],
    });
    expect(mapGraphqlError(fromResolver(error))).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'bad',
      extensions: { errors: error.details.errors, field: ['content.text', 'members.3'] },
      serverFault: false,
    });
    expect(
      mapGraphqlError(fromResolver(new DomainError(ErrorCode.Forbidden, 'no', { requiredScope: 'messages' }))),
    ).toMatchObject({
      code: 'FORBIDDEN',
      extensions: { requiredScope: 'messages' },
    });
  });

  it('turns unknown errors, and INTERNAL domain errors, into INTERNAL without their message', () => {
    for (const thrown of [
      new Error('password=hunter2 at db:5432'),
      new DomainError(ErrorCode.Internal, 'wiring detail', { secret: 1 }),
    ]) {
      expect(mapGraphqlError(fromResolver(thrown))).toEqual({
        code: 'INTERNAL',
        message: INTERNAL_MESSAGE,
        extensions: {},
        serverFault: true,
      });
    }
    expect(
      mapGraphqlError(new GraphQLError('Cannot return null for non-nullable field Query.x.', { path: ['x'] })).code,
    ).toBe('INTERNAL');
  });

  it("maps Apollo's request-level codes and Nest HTTP exceptions onto ErrorCode", () => {
    expect(
      mapGraphqlError(new GraphQLError('Syntax Error', { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })).code,
    ).toBe('BAD_REQUEST');
    expect(
      mapGraphqlError(new GraphQLError('Cannot query field', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }))
        .code,
    ).toBe('BAD_REQUEST');
    expect(
      mapGraphqlError(new GraphQLError('Variable "$id" got invalid value', { extensions: { code: 'BAD_USER_INPUT' } }))
        .code,
    ).toBe('VALIDATION_FAILED');
    expect(mapGraphqlError(fromResolver(new ForbiddenException('nope')))).toMatchObject({
      code: 'FORBIDDEN',
      message: 'nope',
    });
  });

  it('classifies every ErrorCode as the caller’s fault or the gateway’s', () => {
    const faults = Object.values(ErrorCode).filter(isServerFault);
    expect(faults.sort()).toEqual(['BAD_GATEWAY', 'GATEWAY_TIMEOUT', 'INTERNAL', 'SERVICE_UNAVAILABLE']);
  });
});
