import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { printSchema, lexicographicSortSchema } from 'graphql';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { operationIdFor } from './operation-ids.js';
import { PROBLEM_SCHEMA, problemContent, problemSchema } from './problem.schema.js';
import { REQUEST_EXAMPLES, RESPONSE_EXAMPLES } from './request-examples.js';
import { webhookEventSchemas, webhooksSection } from './webhook-events.js';

const TAGS: Record<string, string> = {
  identities: 'Hosted XMTP identities: created or imported wallets, inbox state, installations, identity tokens.',
  conversations: 'DMs and groups of an identity: members, roles, metadata.',
  messages: 'Sending and listing messages of a conversation.',
  attachments: 'Encrypted remote attachments: upload, send, download.',
  consent: 'Allow, deny or reset conversations and inboxes.',
  broadcasts: 'One message as DMs to many recipients.',
  push: 'Push endpoints and topics of an identity.',
  webhooks: 'Webhook endpoints, their signing secrets and delivery logs; the events they receive are under `webhooks`.',
  'api-keys': 'Tenant API keys and their scopes.',
  'admin auth': 'Admin signup, login, sessions and passwords.',
  'admin users': 'Admins of a tenant and invitations.',
  settings: 'Tenant settings: attachment store and limits, rate limits.',
  usage: 'Counters of the last days.',
  audit: 'The tenant’s audit trail.',
  operations: 'Liveness and readiness probes.',
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

type Json = Record<string, unknown>;

/**
 * The REST contract as OpenAPI 3.1: Nest's scan of the controllers (decorators and DTOs), with stable operation ids,
 * a problem+json schema on every error answer, the rate-limit and validation answers every route can give, and the
 * webhook events. Served at /docs and written to docs/api/openapi.json by `npm run docs:api`.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Mailroom API')
    .setDescription(
      'Hosted XMTP identities, conversations and messages for your backend. Errors are RFC 9457 problem+json with a stable `code`. ' +
        'GraphQL (same operations, plus subscriptions) is at /graphql; its schema is docs/api/schema.graphql.',
    )
    .setVersion('v1')
    .setOpenAPIVersion('3.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Tenant API key, admin JWT or identity token' });
  for (const [name, description] of Object.entries(TAGS)) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build(), {
    operationIdFactory: (controllerKey, methodKey) => operationIdFor(controllerKey, methodKey),
  });
  return finish(document);
}

/** The code-first GraphQL schema as SDL, types sorted so the file only changes when the schema does. */
export function printGraphqlSchema(app: INestApplication): string {
  return `${printSchema(lexicographicSortSchema(app.get(GraphQLSchemaHost).schema))}\n`;
}

function finish(document: OpenAPIObject): OpenAPIObject {
  const components = (document.components ??= {});
  const schemas = (components.schemas ??= {}) as Json;
  schemas[PROBLEM_SCHEMA] = problemSchema;
  components.responses = {
    ...(components.responses ?? {}),
    ...(sharedResponses() as NonNullable<typeof components.responses>),
  };
  Object.assign(schemas, webhookEventSchemas());
  for (const [name, example] of Object.entries(RESPONSE_EXAMPLES)) {
    const schema = schemas[name] as Json | undefined;
    if (schema && schema.example === undefined) schema.example = example;
  }
  for (const [path, item] of Object.entries(document.paths) as [string, Json][]) {
    for (const method of METHODS) {
      const operation = item[method] as Json | undefined;
      if (!operation) continue;
      completeResponses(operation);
      describePathParameters(path, operation);
      addRequestExample(operation);
    }
  }
  const finished = toOpenApi31({ ...document, webhooks: webhooksSection() }) as OpenAPIObject;
  return sortKeys(finished) as OpenAPIObject;
}

/** Error answers most operations share, referenced from each (`components.responses`). */
const SHARED_RESPONSES: Record<string, { status: number; description: string; headers?: Json }> = {
  InvalidRequest: {
    status: 400,
    description: 'VALIDATION_FAILED (with `errors` per field) or BAD_REQUEST: the request does not fit this operation.',
  },
  RateLimited: {
    status: 429,
    description: 'RATE_LIMITED: a budget of the credential, the tenant or the identity is spent; see Retry-After.',
    headers: {
      'Retry-After': { description: 'Seconds until the budget allows the call again.', schema: { type: 'integer' } },
    },
  },
  IdempotencyKeyReused: {
    status: 422,
    description: 'UNPROCESSABLE: this Idempotency-Key was used with a different request.',
  },
  NotFound: { status: 404, description: 'NOT_FOUND: no such resource in this tenant (an unknown id in the path).' },
  InternalError: {
    status: 500,
    description: 'INTERNAL: an unexpected error; its details are in the log under the request id.',
  },
};

function sharedResponses(): Json {
  return Object.fromEntries(
    Object.entries(SHARED_RESPONSES).map(([name, { status, description, headers }]) => [
      name,
      { description, ...(headers ? { headers } : {}), content: problemContent(status, description) },
    ]),
  );
}

const sharedRef = (name: keyof typeof SHARED_RESPONSES) => ({ $ref: `#/components/responses/${name}` });

/** Every error status an operation can answer gets the problem schema; the generic ones are added here. */
function completeResponses(operation: Json): void {
  const responses = (operation.responses ??= {}) as Record<string, Json>;
  const parameters = (operation.parameters ?? []) as Json[];
  const takesInput = Boolean(operation.requestBody) || parameters.some((p) => p.in === 'query' || p.in === 'path');
  const authenticated = Array.isArray(operation.security) && operation.security.length > 0;
  if (takesInput) responses['400'] ??= sharedRef('InvalidRequest');
  if (parameters.some((p) => p.in === 'path')) responses['404'] ??= sharedRef('NotFound');
  if (authenticated) responses['429'] ??= sharedRef('RateLimited');
  if (parameters.some((p) => p.in === 'header' && String(p.name).toLowerCase() === 'idempotency-key'))
    responses['422'] ??= sharedRef('IdempotencyKeyReused');
  responses['500'] ??= sharedRef('InternalError');
  for (const [status, response] of Object.entries(responses)) {
    const code = Number(status);
    if (code >= 400 && !response.$ref && !response.content)
      response.content = problemContent(code, String(response.description ?? ''));
  }
}

/** Path parameters by name; `id` by the collection it follows. */
const PATH_PARAMETERS: Record<string, string> = {
  cid: 'Conversation id (hex).',
  mid: 'Message id (hex).',
  bid: 'Broadcast id.',
  did: 'Delivery id.',
  key: 'Blob key.',
};
const ID_OF: Record<string, string> = {
  identities: 'Identity id.',
  webhooks: 'Webhook id.',
  'api-keys': 'API key id.',
  users: 'Admin user id.',
};

function describePathParameters(path: string, operation: Json): void {
  for (const parameter of (operation.parameters ?? []) as Json[]) {
    if (parameter.in !== 'path' || parameter.description) continue;
    const name = String(parameter.name);
    const collection = path.split('/').at(path.split('/').indexOf(`{${name}}`) - 1) ?? '';
    const description = name === 'id' ? ID_OF[collection] : PATH_PARAMETERS[name];
    if (description) parameter.description = description;
  }
}

function addRequestExample(operation: Json): void {
  const media = ((operation.requestBody as Json | undefined)?.content as Json | undefined)?.['application/json'] as
    Json | undefined;
  const example = REQUEST_EXAMPLES[String(operation.operationId)];
  if (media && example !== undefined) media.example ??= example;
}

/** Nest's scanner speaks OpenAPI 3.0: `nullable` becomes a `null` type, as 3.1 (JSON Schema 2020-12) expects. */
function toOpenApi31(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toOpenApi31);
  if (!value || typeof value !== 'object') return value;
  const node = Object.fromEntries(Object.entries(value as Json).map(([key, v]) => [key, toOpenApi31(v)])) as Json;
  if (node.nullable === true) {
    delete node.nullable;
    if (typeof node.type === 'string') {
      node.type = [node.type, 'null'];
      if (Array.isArray(node.enum)) node.enum = [...node.enum, null];
    } else if (node.$ref || node.allOf || node.oneOf) {
      const { description, ...rest } = node;
      return { ...(description ? { description } : {}), anyOf: [rest, { type: 'null' }] };
    }
  } else if (node.nullable === false) delete node.nullable;
  return node;
}

/** Object keys sorted (arrays keep their order), so the file is stable across scans. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value as Json)
      .sort()
      .map((key) => [key, sortKeys((value as Json)[key])]),
  );
}

/** Both contract files as written to docs/api. */
export function apiContractFiles(app: INestApplication): { 'openapi.json': string; 'schema.graphql': string } {
  return {
    'openapi.json': `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`,
    'schema.graphql': printGraphqlSchema(app),
  };
}
