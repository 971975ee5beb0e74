import createFetchClient, {
  type Client as FetchClient,
  type FetchResponse,
  type MaybeOptionalInit,
  type Middleware,
} from 'openapi-fetch';
import type { HttpMethod, PathsWithMethod, RequiredKeysOf } from 'openapi-typescript-helpers';
import { MailroomApiError, MailroomNetworkError } from './errors.js';
import type { paths } from './generated/openapi.js';

export type Credentials =
  | { apiKey: string; token?: never }
  | { token: string | (() => string | null | undefined | Promise<string | null | undefined>); apiKey?: never }
  | { apiKey?: never; token?: never };

export type ClientOptions = Credentials & {
  /** The gateway's origin, e.g. `https://mailroom.example.com` (paths start with `/v1`). */
  baseUrl: string;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof globalThis.fetch;
  /** Extra headers sent with every call. */
  headers?: Record<string, string>;
};

type InitParam<Init> =
  RequiredKeysOf<Init> extends never ? [(Init & { [key: string]: unknown })?] : [Init & { [key: string]: unknown }];
type Media = `${string}/${string}`;
type DataOf<R> = R extends { data: infer D; error?: never } ? D : never;

/** One HTTP method: resolves with the typed success body, or rejects with MailroomApiError (typed problem). */
type Operation<P extends keyof paths, M extends HttpMethod> = Extract<paths[P][M], Record<string | number, unknown>>;
export type CallMethod<M extends HttpMethod> = <
  P extends PathsWithMethod<paths, M>,
  I extends MaybeOptionalInit<paths[P], M>,
>(
  path: P,
  ...init: InitParam<I>
) => Promise<DataOf<FetchResponse<Operation<P, M>, I, Media>>>;

export interface MailroomClient {
  GET: CallMethod<'get'>;
  POST: CallMethod<'post'>;
  PUT: CallMethod<'put'>;
  PATCH: CallMethod<'patch'>;
  DELETE: CallMethod<'delete'>;
  /** The underlying openapi-fetch client: answers `{ data, error, response }` instead of throwing. */
  raw: FetchClient<paths>;
}

/** Paths of the REST API that answer the given method. */
export type ApiPath<M extends HttpMethod = HttpMethod> = PathsWithMethod<paths, M>;

/**
 * A typed client of the Mailroom REST API. Authenticate with a tenant API key (`mr_…`), or a `token`: an
 * identity token or an admin access token (a function is asked before every call, so it can be refreshed).
 */
export function createClient(options: ClientOptions): MailroomClient {
  const raw = createFetchClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    fetch: options.fetch,
    headers: { accept: 'application/json, application/problem+json', ...options.headers },
  });
  raw.use(authMiddleware(options));
  const call = <M extends HttpMethod>(method: M): CallMethod<M> =>
    (async (path: string, init?: Record<string, unknown>) => {
      let result: { data?: unknown; error?: unknown; response: Response };
      try {
        result = await (raw.request as (m: string, p: string, i?: unknown) => Promise<typeof result>)(
          method,
          path,
          init,
        );
      } catch (error) {
        if (error instanceof MailroomApiError) throw error;
        throw new MailroomNetworkError(error);
      }
      if (!result.response.ok) throw MailroomApiError.from(result.response, result.error);
      return result.data;
    }) as CallMethod<M>;
  return { GET: call('get'), POST: call('post'), PUT: call('put'), PATCH: call('patch'), DELETE: call('delete'), raw };
}

function authMiddleware(options: ClientOptions): Middleware {
  return {
    async onRequest({ request }) {
      if (request.headers.has('authorization')) return request;
      const credential =
        options.apiKey ?? (typeof options.token === 'function' ? await options.token() : options.token);
      if (credential) request.headers.set('authorization', `Bearer ${credential}`);
      return request;
    },
  };
}
