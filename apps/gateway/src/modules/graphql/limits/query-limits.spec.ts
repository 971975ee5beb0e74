import { describe, expect, it } from '@jest/globals';
import {
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  parse,
  type GraphQLFieldConfigMap,
} from 'graphql';
import { checkQueryLimits } from './query-limits.js';

// A self-referencing type, so depth is only bounded by the query.
const Node: GraphQLObjectType = new GraphQLObjectType({
  name: 'Node',
  fields: (): GraphQLFieldConfigMap<unknown, unknown> => ({
    id: { type: GraphQLString },
    child: { type: Node },
    children: {
      type: new GraphQLNonNull(new GraphQLList(Node)),
      args: { first: { type: GraphQLInt } },
      extensions: {
        complexity: ({ args, childComplexity }: { args: { first?: number }; childComplexity: number }) =>
          1 + (args.first ?? 10) * childComplexity,
      },
    },
  }),
});
const schema = new GraphQLSchema({ query: new GraphQLObjectType({ name: 'Query', fields: { node: { type: Node } } }) });
const limits = { maxDepth: 4, maxComplexity: 100 };
const check = (query: string, variables?: Record<string, unknown>, operationName?: string) =>
  checkQueryLimits(schema, parse(query), variables, operationName, limits).map((e) => ({
    message: e.message,
    extensions: e.extensions,
  }));

describe('checkQueryLimits', () => {
  it('lets queries within both limits through', () => {
    expect(check('{ node { child { child { id } } } }')).toEqual([]);
  });

  it('refuses a query deeper than the limit, counting through fragments but not introspection fields', () => {
    const [error] = check('{ node { child { child { child { id } } } } }');
    expect(error?.extensions).toMatchObject({ code: 'BAD_REQUEST', limit: { kind: 'depth', max: 4, actual: 5 } });
    expect(
      check('query { node { ...F } } fragment F on Node { child { child { child { id } } } }')[0]?.extensions,
    ).toMatchObject({
      limit: { kind: 'depth', actual: 5 },
    });
    expect(
      check(
        '{ node { child { child { id __typename } } } __schema { types { fields { type { ofType { ofType { name } } } } } } }',
      ),
    ).toEqual([]);
  });

  it('survives cyclic fragments (the validator reports them)', () => {
    expect(
      check('{ node { ...A } } fragment A on Node { child { ...B } } fragment B on Node { child { ...A } }'),
    ).toEqual([]);
  });

  it('refuses a query whose complexity, with list sizes from arguments or variables, is over the limit', () => {
    expect(check('{ node { children(first: 5) { id } } }')).toEqual([]);
    const [error] = check('query ($n: Int) { node { children(first: $n) { id child { id } } } }', { n: 50 });
    expect(error?.extensions).toMatchObject({ code: 'BAD_REQUEST', limit: { kind: 'complexity', max: 100 } });
    expect(error?.message).toMatch(/complexity/);
  });

  it('checks only the operation that will run', () => {
    const doc = 'query Small { node { id } } query Deep { node { child { child { child { child { id } } } } } }';
    expect(check(doc, undefined, 'Small')).toEqual([]);
    expect(check(doc, undefined, 'Deep')).toHaveLength(1);
  });
});
