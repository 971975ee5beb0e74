import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { IsInt, IsString, Max, MinLength } from 'class-validator';
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { bearer, createApiKey, signUpTenant } from '../support/factories.js';
import { REDIS_URL, startTestGateway, type TestGateway } from '../support/gateway.js';

class CreateThingDto {
  @IsString()
  @MinLength(3)
  name!: string;

  @IsInt()
  @Max(10)
  count!: number;
}

/** Routes that exist only in this test, to reach the global pipe and filter through the real HTTP stack. */
@Controller('test-only')
class ErrorPathsController {
  @Post('things')
  create(@Body() body: CreateThingDto) {
    return { created: body };
  }

  @Get('boom')
  boom(): never {
    throw new Error('secret internals: password=hunter2 at /srv/app.ts:42');
  }
}

@Module({ controllers: [ErrorPathsController] })
class ErrorPathsModule {}

let database: TestDatabase;
let gateway: TestGateway;

beforeAll(async () => {
  database = await createTestDatabase();
  gateway = await startTestGateway(
    { DATABASE_URL: database.url, REDIS_URL, XMTP_API_URL: 'http://127.0.0.1:1' },
    { extraModules: [ErrorPathsModule] },
  );
});

afterAll(async () => {
  await gateway?.close();
  await database?.drop();
});

describe('operations endpoints', () => {
  it('GET /healthz answers 200 while the process is up', async () => {
    const res = await request(gateway.url).get('/healthz').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('GET /readyz checks the database and Redis', async () => {
    const res = await request(gateway.url).get('/readyz').expect(200);
    expect(res.body.status).toBe('ready');
    expect(res.body.checks.database.status).toBe('up');
    expect(res.body.checks.redis.status).toBe('up');
  });

  it('GET /metrics exposes process defaults and per-route HTTP metrics', async () => {
    await request(gateway.url).get('/healthz').expect(200);
    await request(gateway.url).get('/no-such-route').expect(404);
    const res = await request(gateway.url).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toContain('process_resident_memory_bytes');
    expect(res.text).toMatch(/http_requests_total\{[^}]*method="GET",route="\/healthz",status_code="200"[^}]*\} [1-9]/);
    expect(res.text).toMatch(/http_requests_total\{[^}]*route="unmatched",status_code="404"/);
    expect(res.text).not.toContain('no-such-route');
    expect(res.text).toContain('http_request_duration_seconds_bucket');
  });

  it('serves the OpenAPI document at /docs', async () => {
    const res = await request(gateway.url).get('/docs/openapi.json').expect(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz']));
    await request(gateway.url).get('/docs').expect(200).expect('content-type', /html/);
  });
});

describe('errors are RFC 9457 problem+json', () => {
  it('answers an unknown route with 404 problem+json and the request id', async () => {
    const res = await request(gateway.url).get('/v1/nothing-here?x=1').set('x-request-id', 'req-404-check').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['x-request-id']).toBe('req-404-check');
    expect(res.body).toMatchObject({
      type: 'https://mailroom.dev/problems/not-found',
      title: 'Not Found',
      status: 404,
      code: 'NOT_FOUND',
      instance: '/v1/nothing-here',
      requestId: 'req-404-check',
    });
    expect(typeof res.body.detail).toBe('string');
  });

  it('answers a validation failure with 400 and one entry per bad field', async () => {
    const res = await request(gateway.url)
      .post('/test-only/things')
      .send({ name: 'ab', count: 99, extra: true })
      .expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.status).toBe(400);
    const fields = (res.body.errors as { field: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(['count', 'extra', 'name']);
  });

  it('accepts a valid body through the same pipe', async () => {
    const res = await request(gateway.url).post('/test-only/things').send({ name: 'abc', count: 3 }).expect(201);
    expect(res.body).toEqual({ created: { name: 'abc', count: 3 } });
  });

  it('answers malformed JSON with 400 problem+json', async () => {
    const res = await request(gateway.url)
      .post('/test-only/things')
      .set('content-type', 'application/json')
      .send('{"name": ')
      .expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('BAD_REQUEST');
  });

  it('answers an oversize body with 413 problem+json', async () => {
    const res = await request(gateway.url)
      .post('/test-only/things')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ name: 'x'.repeat(3 * 1024 * 1024), count: 1 }))
      .expect(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('turns an unexpected error into a bare 500 without stack or internals', async () => {
    const res = await request(gateway.url).get('/test-only/boom').expect(500);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('INTERNAL');
    expect(typeof res.body.requestId).toBe('string');
    const text = JSON.stringify(res.body);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('app.ts');
    expect(text).not.toMatch(/at \w+ \(/);
  });

  it('answers text Postgres cannot store (a NUL character) with 400 on REST and VALIDATION_FAILED on GraphQL', async () => {
    const tenant = await signUpTenant(gateway);
    const { key } = await createApiKey(gateway, tenant.adminToken, ['identities', 'messages', 'webhooks']);
    const inPath = await request(gateway.url).get('/v1/identities/%00/push-endpoint').set(bearer(key)).expect(400);
    expect(inPath.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(inPath.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      detail: 'Text may not contain the NUL character (U+0000).',
    });
    const inQuery = await request(gateway.url).get('/v1/identities?label=a%00b').set(bearer(key)).expect(400);
    expect(inQuery.body.code).toBe('VALIDATION_FAILED');
    const graphql = await request(gateway.url)
      .post('/graphql')
      .set(bearer(key))
      .send({
        query: 'query ($label: String!) { identities(label: $label) { nodes { id } } }',
        variables: { label: 'x\u0000y' },
      })
      .expect(200);
    expect(graphql.body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual([
      'VALIDATION_FAILED',
    ]);
  });
});
