// Hostile GraphQL operations for every query and mutation field of the live schema (found by introspection).
import fc from 'fast-check';
import { hugeString, oddStrings, weirdString, wrongTyped } from './invalid-values.js';

interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}
interface Field {
  name: string;
  args: { name: string; type: TypeRef }[];
  type: TypeRef;
}
interface FullType {
  name: string;
  kind: string;
  fields: Field[] | null;
}
export interface GraphqlSchemaSummary {
  readonly roots: { readonly kind: 'query' | 'mutation'; readonly field: Field }[];
  readonly types: ReadonlyMap<string, FullType>;
}

export const INTROSPECTION = `{ __schema { queryType { name } mutationType { name } types { name kind fields { name
  args { name type { ...T } } type { ...T } } } } }
  fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }`;

export function summarise(data: {
  __schema: { queryType: { name: string }; mutationType: { name: string } | null; types: FullType[] };
}): GraphqlSchemaSummary {
  const types = new Map(data.__schema.types.map((t) => [t.name, t]));
  const rootFields = (name: string | undefined, kind: 'query' | 'mutation') =>
    name ? (types.get(name)?.fields ?? []).map((field) => ({ kind, field })) : [];
  return {
    types,
    roots: [
      ...rootFields(data.__schema.queryType.name, 'query'),
      ...rootFields(data.__schema.mutationType?.name, 'mutation'),
    ],
  };
}

const typeName = (t: TypeRef): string =>
  t.kind === 'NON_NULL' ? `${typeName(t.ofType!)}!` : t.kind === 'LIST' ? `[${typeName(t.ofType!)}]` : t.name!;
const namedType = (t: TypeRef): string => (t.ofType ? namedType(t.ofType) : t.name!);

/** A selection of up to a few scalar fields, one object level deep, so the resolver runs. */
function selectionOf(types: ReadonlyMap<string, FullType>, t: TypeRef, depth = 0): string {
  const type = types.get(namedType(t));
  if (!type?.fields || depth > 1) return '';
  const parts = type.fields
    .filter((f) => f.args.length === 0)
    .slice(0, 6)
    .map((f) => {
      const inner = selectionOf(types, f.type, depth + 1);
      const nested = types.get(namedType(f.type))?.fields;
      return nested ? (inner ? `${f.name} ${inner}` : '') : f.name;
    })
    .filter(Boolean);
  return `{ __typename ${parts.join(' ')} }`;
}

/** Graph literals of the wrong shape for arguments (inline, so the parser and validator see them). */
const literal: fc.Arbitrary<string> = fc.oneof(
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => String(n)),
  fc.constantFrom(
    'true',
    'null',
    '[]',
    '{}',
    '"x"',
    'ENUM_VALUE',
    '$undeclared',
    '[[[[[[[[1]]]]]]]]',
    `"${'x'.repeat(5_000)}"`,
  ),
  weirdString.filter((s) => s.length < 100_000).map((s) => JSON.stringify(s)),
);

export interface GraphqlRequest {
  readonly name: string;
  readonly body: string;
}

export function graphqlRequestsFor(schema: GraphqlSchemaSummary, identityId: string): fc.Arbitrary<GraphqlRequest> {
  const perField = schema.roots.map(({ kind, field }) => {
    const selection = selectionOf(schema.types, field.type);
    const name = `${kind} ${field.name}`;
    const plausibleId = fc.constantFrom(identityId, '00000000-0000-0000-0000-000000000000');
    const variableValue = fc.oneof(wrongTyped, plausibleId, oddStrings, hugeString);
    const withVariables = fc.tuple(...field.args.map(() => fc.option(variableValue, { freq: 5 }))).map((values) => {
      const decls = field.args.map((a) => `$${a.name}: ${typeName(a.type)}`).join(', ');
      const args = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
      const variables = Object.fromEntries(field.args.map((a, i) => [a.name, values[i]]).filter(([, v]) => v !== null));
      const query = `${kind} Fuzz${decls ? `(${decls})` : ''} { ${field.name}${args ? `(${args})` : ''} ${selection} }`;
      return { name, body: JSON.stringify({ query, variables }) };
    });
    const withLiterals = fc.tuple(...field.args.map(() => literal)).map((values) => {
      const args = field.args.map((a, i) => `${a.name}: ${values[i]}`).join(', ');
      return {
        name,
        body: JSON.stringify({ query: `${kind} { ${field.name}${args ? `(${args})` : ''} ${selection} }` }),
      };
    });
    return fc.oneof(withVariables, withLiterals);
  });
  const malformed = fc
    .oneof(
      fc.constantFrom(
        '{',
        'query { __typename',
        `{ ${'a { '.repeat(500)}`,
        `{ ${Array.from({ length: 3_000 }, (_, i) => `a${i}: __typename`).join(' ')} }`,
        'subscription { messageReceived(identityId: "x") { id } }',
      ),
      fc.string({ unit: 'grapheme', maxLength: 80 }),
    )
    .map((query) => ({ name: 'malformed', body: JSON.stringify({ query }) }));
  const badEnvelopes = fc
    .oneof(
      wrongTyped.map((v) => JSON.stringify({ query: v, variables: v, operationName: v })),
      fc.constantFrom('', '[]', '{"query":null}', '[{"query":"{__typename}"}]'),
    )
    .map((body) => ({ name: 'envelope', body: body ?? '' }));
  return fc.oneof(
    { weight: 8, arbitrary: fc.oneof(...perField) },
    { weight: 1, arbitrary: malformed },
    { weight: 1, arbitrary: badEnvelopes },
  );
}
