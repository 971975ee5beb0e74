import type { IncomingMessage } from 'node:http';
import { BadRequestException, Logger as NestLogger, type INestApplication } from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { Authenticator } from './common/auth/index.js';
import { ProblemDetailsFilter } from './common/errors/index.js';
import { closeConnectionsOfHalfReadRequests } from './common/http/half-read-requests.js';
import { answerUnroutedErrorsWithProblems } from './common/errors/fastify-error-handler.js';
import { REQUEST_ID_HEADER, requestIdFrom } from './common/logging/logging.module.js';
import { MAX_JSON_DEPTH, jsonNestingDepth } from './common/validation/json-depth.js';
import { createValidationPipe } from './common/validation/validation.pipe.js';
import { fastifyTrustProxy } from './modules/auth/trust-proxy.js';
import { registerOwnerRouting } from './modules/replicas/owner-routing.js';
import { buildOpenApiDocument } from './openapi/openapi-document.js';
import type { GatewayRuntime } from './runtime.js';

export interface CreateAppOptions {
  /** Extra modules mounted beside the product's (tests use this to reach the error paths). */
  readonly extraModules?: readonly NonNullable<Parameters<typeof NestFactory.create>[0]>[];
}

/** Largest JSON body accepted: an XMTP message stops just under 1 MB, plus envelope. */
export const JSON_BODY_LIMIT_BYTES = 2 * 1024 * 1024;

/** Builds the Nest application (not listening yet) over an already-started runtime. */
export async function createGatewayApp(
  runtime: GatewayRuntime,
  options: CreateAppOptions = {},
): Promise<INestApplication> {
  const root = AppModule.forRoot(runtime);
  const module = options.extraModules?.length
    ? { ...root, imports: [...(root.imports ?? []), ...(options.extraModules as never[])] }
    : root;
  // Fastify, chosen by measurement over Express (docs/benchmarks.md, "HTTP adapter").
  const adapter = new FastifyAdapter({
    bodyLimit: JSON_BODY_LIMIT_BYTES,
    trustProxy: fastifyTrustProxy(runtime.config.http.trustProxy),
    genReqId: (request: IncomingMessage) => requestIdFrom(request.headers),
  });
  adapter.getInstance().addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  closeConnectionsOfHalfReadRequests(adapter.getInstance());
  limitJsonDepth(adapter);
  answerUnroutedErrorsWithProblems(adapter.getInstance(), new NestLogger('Errors'));
  const ownerRouting = registerOwnerRouting(adapter.getInstance(), runtime, () => runtime.replica.url);
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { bufferLogs: true });
  ownerRouting.useAuthenticator(app.get(Authenticator));
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new ProblemDetailsFilter(app.get(HttpAdapterHost)));
  app.useGlobalPipes(createValidationPipe());
  const origins = runtime.config.http.corsOrigins;
  if (origins.length > 0) app.enableCors({ origin: origins.includes('*') ? true : [...origins], credentials: false });
  if (runtime.config.apiDocs) mountOpenApi(app);
  return app;
}

/** Fastify's own JSON parser (prototype-poisoning checks included), behind a nesting-depth check. */
function limitJsonDepth(adapter: FastifyAdapter): void {
  const fastify = adapter.getInstance();
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  adapter.useBodyParser('application/json', false, { bodyLimit: JSON_BODY_LIMIT_BYTES }, (request, body, done) => {
    const text = (body as Buffer).toString('utf8');
    if (jsonNestingDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
      done(new BadRequestException(`The JSON body is nested deeper than ${MAX_JSON_DEPTH} levels.`), undefined);
      return;
    }
    parseJson(request, text, done);
  });
}

function mountOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs/openapi.json' });
}
