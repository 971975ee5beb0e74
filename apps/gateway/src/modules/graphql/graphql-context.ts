import type { Principal } from '../../common/auth/index.js';
import type { DomainError } from '../../common/errors/index.js';
import type { RequestLoaders } from './request-loaders.js';

/** How the caller authenticated, settled once per HTTP request or websocket connection. */
export type Authentication =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'authenticated'; readonly principal: Principal }
  | { readonly kind: 'rejected'; readonly error: DomainError };

/** What every resolver sees as its GraphQL context. */
export interface GraphqlContext {
  readonly transport: 'http' | 'ws';
  /** The HTTP request id (or, on websockets, the id of the upgrade request), for logs and support. */
  readonly requestId: string;
  readonly authentication: Authentication;
  /** DataLoaders of this request (or this subscription operation): batching and caching never cross requests. */
  readonly loaders: RequestLoaders;
}
