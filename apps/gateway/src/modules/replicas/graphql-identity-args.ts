import { Kind, parse, visit, type ValueNode } from 'graphql';

/** Arguments that name the identity an operation runs on: `identityId` anywhere, `id` on the `identity` query. */
const IDENTITY_ARG = 'identityId';
const ID_ARG_OF_FIELD: Readonly<Record<string, string>> = { identity: 'id' };

export interface GraphqlHttpRequest {
  readonly query?: unknown;
  readonly variables?: unknown;
}

/**
 * The identity ids a GraphQL document's arguments name, as literals or through variables (including inside input
 * objects). Undefined when the document does not parse or holds a subscription: such requests are never routed.
 */
export function identityIdsOf(request: GraphqlHttpRequest): Set<string> | undefined {
  if (typeof request.query !== 'string') return undefined;
  const variables = variablesOf(request.variables);
  let document;
  try {
    document = parse(request.query, { noLocation: true, maxTokens: 10_000 });
  } catch {
    return undefined;
  }
  const ids = new Set<string>();
  let subscription = false;
  const collectValue = (value: ValueNode): void => {
    if (value.kind === Kind.STRING) ids.add(value.value);
    else if (value.kind === Kind.VARIABLE) collectVariable(variables[value.name.value]);
  };
  const collectVariable = (value: unknown): void => {
    if (typeof value === 'string') ids.add(value);
  };
  const collectNested = (value: ValueNode): void => {
    if (value.kind === Kind.OBJECT) {
      for (const field of value.fields) {
        if (field.name.value === IDENTITY_ARG) collectValue(field.value);
        else collectNested(field.value);
      }
    } else if (value.kind === Kind.LIST) {
      value.values.forEach(collectNested);
    } else if (value.kind === Kind.VARIABLE) {
      collectNestedVariable(variables[value.name.value]);
    }
  };
  const collectNestedVariable = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(collectNestedVariable);
    else if (isRecord(value)) {
      for (const [key, inner] of Object.entries(value)) {
        if (key === IDENTITY_ARG) collectVariable(inner);
        else collectNestedVariable(inner);
      }
    }
  };
  visit(document, {
    OperationDefinition(node) {
      if (node.operation === 'subscription') subscription = true;
    },
    Field(node) {
      const idArg = ID_ARG_OF_FIELD[node.name.value];
      for (const argument of node.arguments ?? []) {
        if (argument.name.value === IDENTITY_ARG || argument.name.value === idArg) collectValue(argument.value);
        else collectNested(argument.value);
      }
    },
  });
  return subscription ? undefined : ids;
}

/** POST bodies carry variables as an object; GET query strings as JSON text. */
function variablesOf(value: unknown): Record<string, unknown> {
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return {};
    }
  }
  return isRecord(value) ? value : {};
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
