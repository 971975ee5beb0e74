import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { ErrorCode } from '../../../common/errors/index.js';

export interface QueryLimits {
  /** Deepest field nesting allowed (introspection fields excluded). */
  readonly maxDepth: number;
  /** Highest estimated cost: 1 a field unless the field declares `complexity` (connections multiply by `first`). */
  readonly maxComplexity: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 8, maxComplexity: 1000 };

function limitError(kind: 'depth' | 'complexity', max: number, actual: number): GraphQLError {
  const message =
    kind === 'depth'
      ? `The query is nested ${actual} levels deep; the limit is ${max}.`
      : `The query's estimated complexity is ${actual}; the limit is ${max}. Ask for fewer items (first) or fewer fields.`;
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.BadRequest, limit: { kind, max, actual }, http: { status: 400 } },
  });
}

function selectedOperation(
  document: DocumentNode,
  operationName: string | null | undefined,
): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  return operationName
    ? operations.find((o) => o.name?.value === operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
}

function depthOf(
  selectionSet: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  visiting: Set<string> = new Set(),
): number {
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue;
      const below = selection.selectionSet ? depthOf(selection.selectionSet, fragments, visiting) : 0;
      deepest = Math.max(deepest, 1 + below);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, depthOf(selection.selectionSet, fragments, visiting));
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (!fragment || visiting.has(name)) continue; // unknown or cyclic fragments are the validator's to report
      visiting.add(name);
      deepest = Math.max(deepest, depthOf(fragment.selectionSet, fragments, visiting));
      visiting.delete(name);
    }
  }
  return deepest;
}

/**
 * Refuses operations deeper or costlier than the limits, before anything executes. Returns the errors to answer
 * with (empty when the operation may run). Problems of another kind (unknown operation, bad variables) are left to
 * GraphQL validation and execution, which report them in their own words.
 */
export function checkQueryLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | null | undefined,
  limits: QueryLimits = DEFAULT_QUERY_LIMITS,
): GraphQLError[] {
  const operation = selectedOperation(document, operationName);
  if (!operation) return [];
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment]),
  );
  const depth = depthOf(operation.selectionSet, fragments);
  if (depth > limits.maxDepth) return [limitError('depth', limits.maxDepth, depth)];

  let complexity: number;
  try {
    complexity = getComplexity({
      schema,
      query: document,
      variables: variables ?? {},
      operationName: operationName ?? undefined,
      estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch {
    return []; // variables that do not coerce: execution answers with the precise error
  }
  return complexity > limits.maxComplexity ? [limitError('complexity', limits.maxComplexity, complexity)] : [];
}
