// Turns the gateway's own OpenAPI document into fast-check generators of invalid requests, one family per route.
import fc from 'fast-check';
import {
  badCursors,
  badIdempotencyKeys,
  badIds,
  badLimits,
  rawBodies,
  weirdString,
  wrongTyped,
} from './invalid-values.js';

type Schema = {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  allOf?: Schema[];
  format?: string;
};
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema?: Schema;
}
interface OperationObject {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, Schema> };
}

export interface RouteOperation {
  readonly method: string;
  readonly template: string;
  readonly pathParams: readonly string[];
  readonly queryParams: readonly Parameter[];
  readonly bodyType?: string;
  readonly bodySchema?: Schema;
}

/** Ids the fuzzer may put into paths so that requests get past the "not found" checks into validation. */
export interface KnownIds {
  readonly identityId: string;
  readonly conversationId?: string;
}

export type CredentialChoice = 'admin' | 'apiKey' | 'identityToken' | 'otherTenant' | 'garbage' | 'none';

export interface FuzzRequest {
  readonly method: string;
  readonly route: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly credential: CredentialChoice;
}

export function operationsOf(doc: OpenApiDocument): RouteOperation[] {
  const operations: RouteOperation[] = [];
  for (const [template, methods] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const parameters = operation.parameters ?? [];
      const [bodyType, media] = Object.entries(operation.requestBody?.content ?? {})[0] ?? [];
      operations.push({
        method: method.toUpperCase(),
        template,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: parameters.filter((p) => p.in === 'query'),
        bodyType,
        bodySchema: media?.schema ? resolve(doc, media.schema) : undefined,
      });
    }
  }
  return operations;
}

function resolve(doc: OpenApiDocument, schema: Schema, depth = 0): Schema {
  if (depth > 6) return {};
  if (schema.$ref) return resolve(doc, doc.components?.schemas?.[schema.$ref.split('/').pop()!] ?? {}, depth + 1);
  if (schema.allOf?.length) return resolve(doc, schema.allOf[0]!, depth + 1);
  const properties = schema.properties
    ? Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, resolve(doc, v, depth + 1)]))
    : undefined;
  return { ...schema, properties, items: schema.items ? resolve(doc, schema.items, depth + 1) : undefined };
}

/** A value the schema allows (roughly), so that bodies mixing these with wrong values reach deeper checks. */
function plausible(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'integer':
    case 'number':
      return fc.integer({ min: -5, max: 1_000_000 });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return depth > 3 ? fc.constant([]) : fc.array(plausible(schema.items ?? {}, depth + 1), { maxLength: 4 });
    case 'object':
      return depth > 3 ? fc.constant({}) : shapedObject(schema, depth + 1);
    default:
      return fc.oneof(
        fc.string({ maxLength: 24 }),
        fc.constantFrom('https://example.com/hook', '0x0000000000000000000000000000000000000001'),
      );
  }
}

function shapedObject(schema: Schema, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.fromEntries(
    Object.entries(schema.properties ?? {}).map(([key, field]) => [
      key,
      fc.oneof({ weight: 3, arbitrary: plausible(field, depth) }, { weight: 2, arbitrary: wrongTyped }),
    ]),
  );
  return fc
    .tuple(
      fc.record(fields, { requiredKeys: [] }),
      fc.option(fc.dictionary(fc.string({ maxLength: 8 }), wrongTyped, { maxKeys: 2 }), { freq: 4 }),
    )
    .map(([known, extra]) => ({ ...(extra ?? {}), ...known }));
}

/** A request body as sent: no body at all, or raw text with the content type it claims. */
type RawBody = { body?: string; contentType?: string };

const jsonBody = (schema: Schema | undefined): fc.Arbitrary<RawBody> =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: shapedObject(schema ?? {}, 0).map((v) => ({
        body: JSON.stringify(v),
        contentType: 'application/json',
      })),
    },
    {
      weight: 1,
      arbitrary: wrongTyped.map((v) => ({ body: JSON.stringify(v) ?? 'null', contentType: 'application/json' })),
    },
    { weight: 2, arbitrary: rawBodies.map((body) => ({ body, contentType: 'application/json' })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          shapedObject(schema ?? {}, 0),
          fc.constantFrom(
            'text/plain',
            'application/xml',
            'multipart/form-data',
            'application/x-www-form-urlencoded',
            'application/json; charset=utf-16',
          ),
        )
        .map(([v, contentType]) => ({ body: JSON.stringify(v), contentType })),
    },
    { weight: 1, arbitrary: fc.constant({}) },
  );

const multipartBody: fc.Arbitrary<RawBody> = fc
  .record({
    parts: fc.constantFrom(0, 1, 3, 300, 3_000),
    name: fc.constantFrom('file', 'other', '', 'file"; filename="x'),
    filename: fc.oneof(
      fc.constantFrom('a.txt', '../../x', '', 'x'.repeat(5_000), '\u202egpj.exe'),
      fc.string({ unit: 'grapheme', maxLength: 20 }),
    ),
    type: fc.constantFrom('text/plain', 'application/octet-stream', '', 'image/png; x=', 'multipart/mixed'),
    boundary: fc.constantFrom('b0undary', '', 'x'.repeat(200)),
    truncated: fc.boolean(),
    declaredBoundary: fc.boolean(),
  })
  .map(({ parts, name, filename, type, boundary, truncated, declaredBoundary }) => {
    const part = `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\nhello\r\n`;
    const body = part.repeat(parts) + (truncated ? '' : `--${boundary}--\r\n`);
    return {
      body,
      contentType: declaredBoundary ? `multipart/form-data; boundary=${boundary}` : 'multipart/form-data',
    };
  });

function pathParam(name: string, op: RouteOperation, ids: KnownIds): fc.Arbitrary<string> {
  // Destructive routes and other admins only ever see ids that are not there: the fuzz run must keep its own.
  const safe = op.method !== 'DELETE' && !op.template.startsWith('/v1/admin/');
  if (safe && name === 'id' && op.template.startsWith('/v1/identities/'))
    return fc.oneof({ weight: 3, arbitrary: fc.constant(ids.identityId) }, { weight: 1, arbitrary: badIds });
  if (safe && name === 'cid' && ids.conversationId)
    return fc.oneof(
      { weight: 3, arbitrary: fc.constant(encodeURIComponent(ids.conversationId)) },
      { weight: 1, arbitrary: badIds },
    );
  return badIds;
}

function queryValue(parameter: Parameter): fc.Arbitrary<string> {
  if (parameter.name === 'limit') return badLimits;
  if (parameter.name === 'cursor') return badCursors;
  const valid = parameter.schema?.enum?.length
    ? fc.constantFrom(...parameter.schema.enum.map(String))
    : fc.string({ maxLength: 10 });
  return fc.oneof(
    valid,
    weirdString.filter((s) => s.length < 10_000),
  );
}

const credentials = fc.constantFrom<CredentialChoice>(
  'admin',
  'admin',
  'admin',
  'apiKey',
  'apiKey',
  'apiKey',
  'identityToken',
  'otherTenant',
  'garbage',
  'none',
);

/** One hostile request for the operation. */
export function requestsFor(op: RouteOperation, ids: KnownIds, origin: string): fc.Arbitrary<FuzzRequest> {
  const body: fc.Arbitrary<RawBody> =
    op.bodyType === 'multipart/form-data'
      ? fc.oneof(multipartBody, jsonBody(undefined))
      : op.bodyType
        ? jsonBody(op.bodySchema)
        : fc.oneof(
            { weight: 4, arbitrary: fc.constant({}) },
            { weight: 1, arbitrary: rawBodies.map((b) => ({ body: b, contentType: 'application/json' })) },
          );
  const params = fc.record(Object.fromEntries(op.pathParams.map((name) => [name, pathParam(name, op, ids)])));
  const query = fc.record(Object.fromEntries(op.queryParams.map((p) => [p.name, queryValue(p)])), { requiredKeys: [] });
  const idempotencyKey = fc.option(fc.oneof(badIdempotencyKeys, fc.uuid()), { freq: 2 });
  return fc
    .record({ params, query, body, credential: credentials, idempotencyKey })
    .map(({ params, query, body, credential, idempotencyKey }) => {
      const path = op.template.replace(
        /\{(\w+)\}/g,
        (_, name: string) => (params as Record<string, string>)[name] ?? '',
      );
      const search = new URLSearchParams(query as Record<string, string>).toString();
      const headers: Record<string, string> = {};
      if (body.contentType) headers['content-type'] = body.contentType;
      if (idempotencyKey !== null) headers['idempotency-key'] = idempotencyKey;
      return {
        method: op.method,
        route: `${op.method} ${op.template}`,
        url: `${origin}${path}${search ? `?${search}` : ''}`,
        headers,
        body: body.body,
        credential,
      };
    });
}
