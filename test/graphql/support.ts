import { createClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { GatewayLike } from '../support/factories.js';

export interface GraphqlError {
  message: string;
  path?: (string | number)[];
  extensions: { code: string; field?: string[]; [key: string]: unknown };
}

export interface GraphqlResponse<T> {
  status: number;
  data: T | null | undefined;
  errors: GraphqlError[] | undefined;
}

/** POSTs one GraphQL operation to /graphql with an optional bearer credential. */
export async function graphql<T = Record<string, unknown>>(
  gateway: GatewayLike,
  query: string,
  variables: Record<string, unknown> = {},
  credential?: string,
): Promise<GraphqlResponse<T>> {
  const res = await fetch(new URL('/graphql', gateway.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(credential ? { authorization: `Bearer ${credential}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T | null; errors?: GraphqlError[] };
  return { status: res.status, data: body.data, errors: body.errors };
}

/** Same as graphql(), but fails the test on any error and returns `data`. */
export async function graphqlOk<T = Record<string, unknown>>(
  gateway: GatewayLike,
  query: string,
  variables: Record<string, unknown> = {},
  credential?: string,
): Promise<T> {
  const res = await graphql<T>(gateway, query, variables, credential);
  if (res.errors?.length || !res.data) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
  return res.data;
}

/** The codes of a response's errors, in order. */
export const codesOf = (res: GraphqlResponse<unknown>): string[] => (res.errors ?? []).map((e) => e.extensions.code);

/** A graphql-ws client on the gateway's /graphql, authenticating in `connection_init`. */
export function wsClient(
  gateway: GatewayLike,
  authorization?: string,
  onClosed?: (event: { code: number; reason: string }) => void,
): WsClient {
  return createClient({
    url: gateway.url.replace(/^http/, 'ws') + '/graphql',
    webSocketImpl: WebSocket,
    connectionParams: authorization ? { authorization } : {},
    retryAttempts: 0,
    lazy: true,
    on: onClosed ? { closed: (event) => onClosed(event as { code: number; reason: string }) } : undefined,
  });
}

/** Runs a subscription until it completes (or `max` results arrive); resolves with its results or rejects with its error. */
export function collect<T>(
  client: WsClient,
  query: string,
  variables: Record<string, unknown> = {},
  max = Infinity,
): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const results: T[] = [];
    const dispose = client.subscribe<T>(
      { query, variables },
      {
        next: (value) => {
          results.push(value as T);
          if (results.length >= max) {
            dispose();
            resolve(results);
          }
        },
        error: reject,
        complete: () => resolve(results),
      },
    );
  });
}
