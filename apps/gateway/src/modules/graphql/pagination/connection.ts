import { Field, ObjectType } from '@nestjs/graphql';
import type { Type } from '@nestjs/common';

@ObjectType({ description: 'Relay page information. Cursors are the opaque REST cursors (`nextCursor`).' })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Pass as `after` to read the next page; null on the last page.' })
  endCursor!: string | null;
}

export interface Edge<T> {
  cursor: string | null;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  nodes: T[];
  pageInfo: PageInfo;
}

/** A Relay connection type `<Name>Connection` with `<Name>Edge` for a node type. */
export function ConnectionType<T>(nodeType: Type<T>, name: string): Type<Connection<T>> {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field(() => String, {
      nullable: true,
      description: 'The REST cursor after this node: set on the last edge of a page that has a next page.',
    })
    cursor!: string | null;

    @Field(() => nodeType)
    node!: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionClass {
    @Field(() => [EdgeType])
    edges!: EdgeType[];

    @Field(() => [nodeType], { description: 'The nodes of `edges`, for clients that need no cursors.' })
    nodes!: T[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }
  return ConnectionClass as Type<Connection<T>>;
}

/** Maps a REST page (`{ items, nextCursor }`) onto a connection, keeping the REST cursor. */
export function toConnection<T>(page: { items: T[]; nextCursor: string | null }): Connection<T> {
  const last = page.items.length - 1;
  return {
    edges: page.items.map((node, index) => ({ node, cursor: index === last ? page.nextCursor : null })),
    nodes: page.items,
    pageInfo: { hasNextPage: page.nextCursor !== null, endCursor: page.nextCursor },
  };
}

/**
 * Complexity of a connection field: its children cost once per requested node.
 * Used with `@Query(..., { complexity: connectionComplexity(50) })`.
 */
export function connectionComplexity(defaultFirst: number) {
  return ({ args, childComplexity }: { args: { first?: number | null }; childComplexity: number }): number =>
    1 + (args.first ?? defaultFirst) * childComplexity;
}
