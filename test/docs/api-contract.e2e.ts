import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import SwaggerParser from '@apidevtools/swagger-parser';
import { ErrorCode } from '@mailroom/gateway';
import { OUTGOING_CONTENT_TYPES } from '@mailroom/xmtp';
import { MAILROOM_EVENT_TYPES } from '../../apps/gateway/src/modules/events/mailroom-event.js';
import { apiContractFiles } from '../../apps/gateway/src/openapi/openapi-document.js';
import { FALLBACK_OPERATION_ID_PREFIX } from '../../apps/gateway/src/openapi/operation-ids.js';
import { UNDESCRIBED_EVENT } from '../../apps/gateway/src/openapi/webhook-events.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { REPO_ROOT } from '../support/process.js';

/** The published contract (docs/api) is what the code generates, and it is a valid, complete OpenAPI 3.1 document. */
type Json = Record<string, any>;

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const REGENERATE = 'docs/api is stale: run `npm run build && npm run docs:api` and commit the result';

let database: TestDatabase;
let gateway: TestGateway;
let generated: { 'openapi.json': string; 'schema.graphql': string };
let published: Json;

const operations = () =>
  Object.entries(published.paths as Json).flatMap(([route, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({
      name: `${method.toUpperCase()} ${route}`,
      operation: item[method] as Json,
    })),
  );

/** Follows a local `#/components/…` reference. */
const resolve = (node: Json): Json => {
  if (typeof node?.$ref !== 'string') return node;
  return resolve(
    node.$ref
      .slice(2)
      .split('/')
      .reduce((at: Json, key: string) => at[key], published),
  );
};

beforeAll(async () => {
  database = await createTestDatabase();
  gateway = await startTestGateway({
    DATABASE_URL: database.url,
    GATEWAY_MASTER_KEY: randomBytes(32).toString('hex'),
    JWT_SECRET: randomBytes(32).toString('base64url'),
    XMTP_API_URL: 'http://127.0.0.1:1',
  });
  generated = apiContractFiles(gateway.app);
  published = JSON.parse(await readFile(path.join(REPO_ROOT, 'docs/api/openapi.json'), 'utf8')) as Json;
});

afterAll(async () => {
  await gateway?.close();
  await database?.drop();
});

describe('the API contract files', () => {
  it('docs/api/openapi.json is what the code generates, and what /docs/openapi.json serves', async () => {
    const file = await readFile(path.join(REPO_ROOT, 'docs/api/openapi.json'), 'utf8');
    expect({ file: REGENERATE, equal: file === generated['openapi.json'] }).toEqual({ file: REGENERATE, equal: true });
    const served = (await (await fetch(`${gateway.url}/docs/openapi.json`)).json()) as Json;
    expect(served).toEqual(published);
  });

  it('docs/api/schema.graphql is the code-first GraphQL schema', async () => {
    const file = await readFile(path.join(REPO_ROOT, 'docs/api/schema.graphql'), 'utf8');
    expect({ file: REGENERATE, equal: file === generated['schema.graphql'] }).toEqual({
      file: REGENERATE,
      equal: true,
    });
    expect(file).toMatch(/^type Mutation \{/m);
    expect(file).toMatch(/^type Subscription \{/m);
  });

  it('is a valid OpenAPI 3.1 document (swagger-parser)', async () => {
    expect(published.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(structuredClone(published) as never)).resolves.toBeDefined();
  });
});

describe('every REST operation', () => {
  it('has a unique, camelCase operationId from the naming map', () => {
    const ids = operations().map(({ operation }) => operation.operationId as string);
    expect(ids.length).toBeGreaterThan(60);
    expect(ids.filter((id) => !/^[a-z][a-zA-Z0-9]*$/.test(id) || id.startsWith(FALLBACK_OPERATION_ID_PREFIX))).toEqual(
      [],
    );
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);
    expect(ids).toEqual(
      expect.arrayContaining([
        'sendMessage',
        'listMessages',
        'listConversations',
        'createIdentity',
        'createDm',
        'createWebhook',
      ]),
    );
  });

  it('has a summary', () => {
    expect(
      operations()
        .filter(({ operation }) => !operation.summary)
        .map((o) => o.name),
    ).toEqual([]);
  });

  it('has tags, each described at the top level', () => {
    const declared = new Set((published.tags as Json[]).map((tag) => tag.name));
    const untagged = operations().filter(
      ({ operation }) => !operation.tags?.length || operation.tags.some((tag: string) => !declared.has(tag)),
    );
    expect(untagged.map((o) => o.name)).toEqual([]);
  });

  it('declares a success answer, with a schema unless it is 204', () => {
    const missing = operations().flatMap(({ name, operation }) => {
      const statuses = Object.keys(operation.responses).filter((status) => status.startsWith('2'));
      if (statuses.length === 0) return [`${name}: no success answer`];
      return (
        statuses
          // 204, and the one 202 that answers without a body whatever happened (no account enumeration).
          .filter(
            (status) => status !== '204' && !(operation.operationId === 'requestPasswordReset' && status === '202'),
          )
          .filter((status) => {
            const content = resolve(operation.responses[status]).content as Json | undefined;
            return !content || Object.values(content).some((media: Json) => !media.schema);
          })
          .map((status) => `${name} ${status}`)
      );
    });
    expect(missing).toEqual([]);
  });

  it('answers every error status with the Problem schema, whose code enum is ErrorCode', () => {
    const problem = published.components.schemas.Problem as Json;
    expect(problem.properties.code.enum).toEqual(Object.values(ErrorCode));
    const bare = operations().flatMap(({ name, operation }) =>
      Object.entries(operation.responses as Json)
        .filter(([status]) => Number(status) >= 400)
        // A probe: its 503 is the readiness report naming the failing check, for load balancers and people alike.
        .filter(([status]) => !(operation.operationId === 'getReadiness' && status === '503'))
        .filter(
          ([, response]) =>
            resolve(response).content?.['application/problem+json']?.schema?.$ref !== '#/components/schemas/Problem',
        )
        .map(([status]) => `${name} ${status}`),
    );
    expect(bare).toEqual([]);
    const authenticated = operations().filter(({ operation }) => operation.security?.length);
    for (const { operation } of authenticated)
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '403', '429']));
  });

  it('gives JSON request bodies an example that fits the body schema', () => {
    const without = operations().filter(({ operation }) => {
      const media = operation.requestBody?.content?.['application/json'] as Json | undefined;
      if (!media) return false;
      const schema = resolve(media.schema ?? {});
      return (
        !media.example &&
        !media.examples &&
        !schema.example &&
        !Object.values((schema.properties ?? {}) as Json).some((p: Json) => p.example !== undefined)
      );
    });
    expect(without.map((o) => o.name)).toEqual([]);
    const misfits = operations().flatMap(({ name, operation }) => {
      const media = operation.requestBody?.content?.['application/json'] as Json | undefined;
      if (!media?.example) return [];
      const schema = resolve(media.schema);
      const known = Object.keys(schema.properties ?? {});
      const unknown = Object.keys(media.example).filter((key) => !known.includes(key));
      const absent = ((schema.required ?? []) as string[]).filter((key) => !(key in media.example));
      return unknown.length || absent.length
        ? [`${name}: unknown ${unknown.join(',')} missing ${absent.join(',')}`]
        : [];
    });
    expect(misfits).toEqual([]);
  });
});

describe('component schemas', () => {
  it('carry examples whose keys are their properties', () => {
    const misfits = Object.entries(published.components.schemas as Json)
      .filter(([, schema]) => schema.example && typeof schema.example === 'object' && schema.properties)
      .flatMap(([name, schema]) =>
        Object.keys(schema.example)
          .filter((key) => !(key in schema.properties))
          .map((key) => `${name}.${key}`),
      );
    expect(misfits).toEqual([]);
    expect(published.components.schemas.WebhookResponse.example).toBeDefined();
  });
});

describe('message content and webhook events', () => {
  it('describes the content of sendMessage as a oneOf discriminated by type', () => {
    const send = operations().find(({ operation }) => operation.operationId === 'sendMessage')!.operation;
    const body = resolve(send.requestBody.content['application/json'].schema);
    const content = body.properties.content as Json;
    expect(content.discriminator.propertyName).toBe('type');
    expect(content.allOf).toBeUndefined();
    // Exactly the types the gateway sends, no more and no fewer.
    expect(Object.keys(content.discriminator.mapping).sort()).toEqual([...OUTGOING_CONTENT_TYPES].sort());
    expect(content.oneOf.length).toBe(Object.keys(content.discriminator.mapping).length);
    for (const variant of content.oneOf as Json[]) expect(resolve(variant).required).toContain('type');
  });

  it('describes every event type in the webhooks section, with its signature headers', () => {
    expect(Object.keys(published.webhooks).sort()).toEqual([...MAILROOM_EVENT_TYPES, 'webhook.test'].sort());
    for (const type of Object.keys(published.webhooks)) {
      const post = published.webhooks[type].post as Json;
      expect(post.summary).not.toBe(UNDESCRIBED_EVENT);
      expect(post.parameters.map((p: Json) => p.name)).toEqual(
        expect.arrayContaining(['webhook-id', 'webhook-timestamp', 'webhook-signature', 'mailroom-signature']),
      );
      expect(resolve(post.requestBody.content['application/json'].schema).properties.type.const).toBe(type);
    }
  });
});
