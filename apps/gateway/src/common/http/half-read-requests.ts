import type { FastifyInstance } from 'fastify';

/**
 * Answers to requests whose body was not read to its end (an early refusal of a large upload, a handler that failed
 * before reading) close the connection. A keep-alive client would otherwise send its next request on a socket whose
 * unread bytes the server can no longer make sense of, and see that request reset.
 */
export function closeConnectionsOfHalfReadRequests(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (!request.raw.complete) reply.header('connection', 'close');
    done(null, payload);
  });
}
