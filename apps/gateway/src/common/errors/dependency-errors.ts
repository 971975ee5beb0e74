import { DomainError } from './domain-error.js';
import { ErrorCode } from './error-code.js';

/** Socket failures: a database outage only when a database driver reported them (they also come from webhooks). */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);
/** PostgreSQL SQLSTATEs and Prisma codes that always mean the database connection is gone. */
const DATABASE_CONNECTION_CODES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08006',
  'P1001', // Prisma: can't reach database server
  'P1002',
  'P1008',
  'P1017', // Prisma: server closed the connection
  'P2024', // Prisma: timed out fetching a connection from the pool
]);
const DATABASE_CONNECTION_MESSAGE =
  /Connection terminated|Can't reach database server|Client has encountered a connection error/i;
const DATABASE_DRIVER_ERROR = /^(Prisma\w*Error|DriverAdapterError)$/;
/** libxmtp's transport failures, as the SDK words them. */
const XMTP_TRANSPORT_MESSAGE =
  /api client at endpoint .*(unavailable|tcp connect error|transport error|connection refused|deadline)|service is currently unavailable/i;

/** libxmtp could not publish a queued intent (a send) and will retry it on the next sync. */
const XMTP_UNCONFIRMED_SEND = /Sync failed to wait for intent/i;

function* causes(error: unknown): Generator<Record<string, unknown>> {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
    yield current as Record<string, unknown>;
    current = (current as { cause?: unknown }).cause;
  }
}

/**
 * A failure that says a dependency is down rather than that the request or the code is wrong: the database or the
 * XMTP network unreachable. Such failures answer 503 with Retry-After, not a 500.
 */
export function dependencyUnavailable(error: unknown): DomainError | undefined {
  if (error instanceof DomainError) return undefined;
  const fromDatabaseDriver = [...causes(error)].some(
    (link) => typeof link.name === 'string' && DATABASE_DRIVER_ERROR.test(link.name),
  );
  for (const link of causes(error)) {
    const code =
      typeof link.code === 'string' ? link.code : typeof link.errorCode === 'string' ? link.errorCode : undefined;
    const message = typeof link.message === 'string' ? link.message : '';
    const databaseDown =
      link.name === 'PrismaClientInitializationError' ||
      (code !== undefined && DATABASE_CONNECTION_CODES.has(code)) ||
      (fromDatabaseDriver &&
        ((code !== undefined && SOCKET_CODES.has(code)) || DATABASE_CONNECTION_MESSAGE.test(message)));
    if (databaseDown) {
      return new DomainError(ErrorCode.ServiceUnavailable, 'The database is unavailable; retry shortly.', {
        retryAfterSeconds: 2,
        dependency: 'database',
      });
    }
    if (XMTP_UNCONFIRMED_SEND.test(message)) {
      return new DomainError(
        ErrorCode.ServiceUnavailable,
        "The XMTP network did not confirm the send. The message stays queued in the identity's installation and may still be published when the network answers; check the conversation before sending it again.",
        { retryAfterSeconds: 5, dependency: 'xmtp' },
      );
    }
    if (XMTP_TRANSPORT_MESSAGE.test(message)) {
      return new DomainError(ErrorCode.ServiceUnavailable, 'The XMTP network did not answer; retry shortly.', {
        retryAfterSeconds: 2,
        dependency: 'xmtp',
      });
    }
  }
  return undefined;
}

/**
 * The SDK gave up waiting for a send it keeps queued: the message may still be published later. Whatever the message
 * points at (an attachment's blob) must then stay.
 */
export function sendMayStillBePublished(error: unknown): boolean {
  return [...causes(error)].some(
    (link) => typeof link.message === 'string' && XMTP_UNCONFIRMED_SEND.test(link.message),
  );
}
