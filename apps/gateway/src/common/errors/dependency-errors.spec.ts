import { describe, expect, it } from '@jest/globals';
import { DomainError } from './domain-error.js';
import { dependencyUnavailable, sendMayStillBePublished } from './dependency-errors.js';

describe('dependencyUnavailable', () => {
  it.each([
    [
      'a refused database socket reported by the driver',
      Object.assign(new Error('driver failed'), {
        name: 'DriverAdapterError',
        cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      }),
    ],
    [
      'a Prisma initialization failure',
      Object.assign(new Error('cannot start'), { name: 'PrismaClientInitializationError' }),
    ],
    ['a Prisma P1001 error', Object.assign(new Error("Can't reach database server at 127.0.0.1"), { code: 'P1001' })],
    [
      'a terminated pg connection under a Prisma error',
      Object.assign(new Error('query failed', { cause: new Error('Connection terminated unexpectedly') }), {
        name: 'PrismaClientUnknownRequestError',
      }),
    ],
    [
      'PostgreSQL shutting down',
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
    ],
  ])('maps %s to a database 503', (_label, error) => {
    expect(dependencyUnavailable(error)).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      details: { dependency: 'database', retryAfterSeconds: 2 },
    });
  });

  it('maps libxmtp transport failures to an XMTP 503', () => {
    const error = new Error(
      "api client at endpoint /xmtp.mls.api.v1.MlsApi/SendGroupMessages has error status: 'The service is currently unavailable'",
    );
    expect(dependencyUnavailable(error)).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      details: { dependency: 'xmtp' },
    });
  });

  it('maps an unconfirmed send to a 503 that warns the message may still be published', () => {
    const mapped = dependencyUnavailable(
      Object.assign(new Error('Sync failed to wait for intent'), { code: 'GenericFailure' }),
    );
    expect(mapped).toMatchObject({ code: 'SERVICE_UNAVAILABLE', details: { dependency: 'xmtp' } });
    expect(mapped!.message).toMatch(/may still be published/);
  });

  it('does not blame the database for a refused socket nobody says is the database', () => {
    expect(
      dependencyUnavailable(Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:443'), { code: 'ECONNREFUSED' })),
    ).toBeUndefined();
    expect(dependencyUnavailable(new Error('connect ECONNREFUSED 10.0.0.5:5432 (password hunter2)'))).toBeUndefined();
  });

  it('leaves programming errors and domain errors alone', () => {
    expect(dependencyUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBeUndefined();
    expect(dependencyUnavailable(Object.assign(new Error('duplicate'), { code: 'P2002' }))).toBeUndefined();
    expect(dependencyUnavailable(new DomainError('NOT_FOUND', 'no'))).toBeUndefined();
  });
});

describe('sendMayStillBePublished', () => {
  it('is true only when libxmtp kept the send queued, however deep the cause', () => {
    const unconfirmed = new Error('Sync failed to wait for intent');
    expect(sendMayStillBePublished(unconfirmed)).toBe(true);
    expect(sendMayStillBePublished(new Error('sending failed', { cause: unconfirmed }))).toBe(true);
    expect(sendMayStillBePublished(new Error('api client at endpoint http://x: transport error'))).toBe(false);
    expect(sendMayStillBePublished(new DomainError('NOT_FOUND', 'no'))).toBe(false);
    expect(sendMayStillBePublished('text')).toBe(false);
  });
});
