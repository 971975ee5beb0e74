import type { INestApplication } from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { ProblemDetailsFilter } from './common/errors/index.js';
import { createValidationPipe } from './common/validation/validation.pipe.js';
import type { GatewayRuntime } from './runtime.js';

export interface CreateAppOptions {
  /** Extra modules mounted beside the product's (tests use this to reach the error paths). */
  readonly extraModules?: readonly NonNullable<Parameters<typeof NestFactory.create>[0]>[];
}

/** Largest JSON body accepted: an XMTP message stops just under 1 MB, plus envelope. */
export const JSON_BODY_LIMIT = '2mb';

/** Builds the Nest application (not listening yet) over an already-started runtime. */
export async function createGatewayApp(runtime: GatewayRuntime, options: CreateAppOptions = {}): Promise<INestApplication> {
  const root = AppModule.forRoot(runtime);
  const module = options.extraModules?.length
    ? { ...root, imports: [...(root.imports ?? []), ...(options.extraModules as never[])] }
    : root;
  const app = await NestFactory.create<NestExpressApplication>(module, new ExpressAdapter(), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT });
  app.useBodyParser('urlencoded', { limit: JSON_BODY_LIMIT, extended: false });
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  app.useGlobalFilters(new ProblemDetailsFilter(app.get(HttpAdapterHost)));
  app.useGlobalPipes(createValidationPipe());
  const origins = runtime.config.http.corsOrigins;
  if (origins.length > 0) app.enableCors({ origin: origins.includes('*') ? true : [...origins], credentials: false });
  mountOpenApi(app);
  return app;
}

function mountOpenApi(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Mailroom API')
      .setDescription('Hosted XMTP identities, conversations and messages for your backend. Errors are RFC 9457 problem+json.')
      .setVersion('v1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Tenant API key, admin JWT or identity token' })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
}
