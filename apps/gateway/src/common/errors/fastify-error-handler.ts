import type { FastifyInstance } from 'fastify';
import { PROBLEM_CONTENT_TYPE } from './problem-details.js';
import { problemFor } from './problem-details.filter.js';

interface ErrorLogger {
  error(payload: object, message: string): void;
}

/**
 * Errors raised before a route handler runs (body parsers, hooks) never reach Nest's exception filters: Fastify
 * routes keep the error handler set when they are registered. Installed before Nest registers its routes, this
 * answers them with the same problem+json as the filter.
 */
export function answerUnroutedErrorsWithProblems(fastify: FastifyInstance, logger: ErrorLogger): void {
  fastify.setErrorHandler((error, request, reply) => {
    const problem = problemFor(error);
    problem.instance = request.url.split('?')[0];
    problem.requestId = String(request.id);
    if (problem.status >= 500)
      logger.error({ err: error, requestId: request.id, code: problem.code }, 'request failed before its handler');
    void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  });
}
