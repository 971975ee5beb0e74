// The gateway's per-request HTTP work, on either adapter. apps/gateway's createGatewayApp
// runs on Fastify only and needs a started runtime (database, event bus), so the benchmark
// rebuilds what a request to GET /healthz goes through there: nestjs-pino with a request
// id echoed in x-request-id and the same redaction/serializers, a Nest middleware that
// times the request into a prom-client histogram + counter, and a global interceptor
// that records the route template. One deliberate difference: the gateway skips the
// request log line for /healthz; here it is written, because every real API route pays
// for it. Plain JavaScript with decorators applied by hand (what compiled TypeScript
// does), so the benchmark needs no build step.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Controller, Get, Header, Module, RequestMethod } from '@nestjs/common';
import { APP_INTERCEPTOR, NestFactory } from '@nestjs/core';
import { LoggerModule, Logger } from 'nestjs-pino';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const decorateMethod = (decorators, target, key) =>
  Reflect.decorate(decorators, target.prototype, key, Object.getOwnPropertyDescriptor(target.prototype, key));

const registry = new Registry();
collectDefaultMetrics({ register: registry });
const labelNames = ['method', 'route', 'status_code'];
const requestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration',
  labelNames,
  registers: [registry],
});
const requestsTotal = new Counter({
  name: 'http_requests_total',
  help: 'HTTP requests served',
  labelNames,
  registers: [registry],
});

class HealthController {
  liveness() {
    return { status: 'ok' };
  }
}
decorateMethod([Get('healthz')], HealthController, 'liveness');
Reflect.decorate([Controller()], HealthController);

class MetricsController {
  metrics() {
    return registry.metrics();
  }
}
decorateMethod([Get('metrics'), Header('content-type', registry.contentType)], MetricsController, 'metrics');
Reflect.decorate([Controller()], MetricsController);

const routeTemplates = new WeakMap();

class RouteTemplateInterceptor {
  intercept(context, next) {
    const request = context.switchToHttp().getRequest();
    const template = request.routeOptions?.url ?? request.route?.path;
    if (template) routeTemplates.set(request.raw ?? request, template);
    return next.handle();
  }
}

function httpMetricsMiddleware(request, response, next) {
  const raw = request.raw ?? request;
  const started = process.hrtime.bigint();
  response.once('finish', () => {
    const labels = {
      method: raw.method,
      route: routeTemplates.get(raw) ?? 'unmatched',
      status_code: String(response.statusCode),
    };
    requestDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    requestsTotal.inc(labels);
  });
  next();
}

const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function requestIdFrom(headers) {
  const incoming = headers['x-request-id'];
  return typeof incoming === 'string' && ACCEPTABLE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

function requestIdFor(request, response) {
  const id = requestIdFrom(request.headers);
  response.setHeader('x-request-id', id);
  return id;
}

// nestjs-pino's default route, '{/*splat}', only reaches '/' on @nestjs/platform-fastify
// 12.5.0 (GET /healthz went unlogged), so the routes are named in a form both adapters match.
const everyRoute = { path: '{*splat}', method: RequestMethod.ALL };

const loggingModule = LoggerModule.forRoot({
  forRoutes: [everyRoute],
  pinoHttp: {
    level: 'info',
    genReqId: requestIdFor,
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'reqId' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-api-key"]',
        'res.headers["set-cookie"]',
      ],
      censor: '[redacted]',
    },
    customLogLevel: (_req, res, error) =>
      error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    serializers: {
      req: (req) => ({ id: req.id, method: req.method, url: req.url }),
      res: (res) => ({ statusCode: res.statusCode }),
    },
  },
});

class AppModule {
  configure(consumer) {
    consumer.apply(httpMetricsMiddleware).forRoutes(everyRoute);
  }
}
Reflect.decorate(
  [
    Module({
      imports: [loggingModule],
      controllers: [HealthController, MetricsController],
      providers: [{ provide: APP_INTERCEPTOR, useClass: RouteTemplateInterceptor }],
    }),
  ],
  AppModule,
);

// Fastify names every request before any middleware runs, and pino-http keeps an existing
// req.id, so on Fastify the id has to come from the adapter and a hook echoes it.
async function createFastifyAdapter() {
  const { FastifyAdapter } = await import('@nestjs/platform-fastify');
  const adapter = new FastifyAdapter({ genReqId: (request) => requestIdFrom(request.headers) });
  adapter.getInstance().addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  return adapter;
}

/** @param {'express' | 'fastify'} adapter */
export async function createMirrorApp(adapter) {
  const options = { bufferLogs: true };
  const app =
    adapter === 'fastify'
      ? await NestFactory.create(AppModule, await createFastifyAdapter(), options)
      : await NestFactory.create(AppModule, options);
  if (adapter === 'express') app.getHttpAdapter().getInstance().disable('x-powered-by');
  app.useLogger(app.get(Logger));
  return app;
}
