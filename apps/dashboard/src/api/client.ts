import { ApiError, problemFrom } from './problem.js';
import { sessionStore, type Tokens } from './session-store.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  /** Sign-in calls go without a bearer token and never trigger a refresh. */
  anonymous?: boolean;
}

let refreshing: Promise<boolean> | null = null;

/** Exchanges the refresh token once for every caller that saw a 401 at the same time. */
function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    const refreshToken = sessionStore.refreshToken();
    if (!refreshToken) return false;
    const response = await fetch('/v1/admin/refresh', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
    }).catch(() => null);
    if (!response?.ok) {
      sessionStore.clear();
      return false;
    }
    sessionStore.save((await response.json()) as Tokens);
    return true;
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

function urlOf(path: string, query?: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined && value !== '') params.set(key, String(value));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function send(method: Method, path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const token = sessionStore.accessToken();
  if (!options.anonymous && token) headers.authorization = `Bearer ${token}`;
  try {
    return await fetch(urlOf(path, options.query), {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch {
    throw new ApiError(0, 'The gateway could not be reached. Check your connection and try again.');
  }
}

/** Calls the public /v1 API with the admin JWT; on 401 refreshes the session once and repeats the call. */
export async function request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  if (!options.anonymous && !sessionStore.accessToken() && sessionStore.refreshToken()) await refreshSession();
  let response = await send(method, path, options);
  if (response.status === 401 && !options.anonymous && (await refreshSession())) {
    response = await send(method, path, options);
  }
  if (response.status === 401 && !options.anonymous) sessionStore.clear();
  if (!response.ok) throw await problemFrom(response);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Downloads a binary answer (an attachment) with the same credentials. */
export async function download(path: string): Promise<Blob> {
  if (!sessionStore.accessToken()) await refreshSession();
  const get = () => fetch(path, { headers: { authorization: `Bearer ${sessionStore.accessToken() ?? ''}` } });
  let response = await get();
  if (response.status === 401 && (await refreshSession())) response = await get();
  if (!response.ok) throw await problemFrom(response);
  return response.blob();
}

export const api = {
  get: <T>(path: string, query?: RequestOptions['query']) => request<T>('GET', path, { query }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body: body ?? {} }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  delete: (path: string) => request<void>('DELETE', path),
};
