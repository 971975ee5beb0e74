// The dashboard's session on top of @mailroom/client: the admin access token on every call, one shared refresh
// on 401 (then the call is repeated once), and the session cleared when the refresh token no longer works.
import { createClient, MailroomApiError, MailroomNetworkError, type MailroomClient } from '@mailroom/client';
import { sessionStore } from './session-store.js';

let refreshing: Promise<boolean> | null = null;

/** Exchanges the refresh token once for every caller that saw a 401 at the same time. */
function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    const refreshToken = sessionStore.refreshToken();
    if (!refreshToken) return false;
    try {
      sessionStore.save(await anonymous.POST('/v1/admin/refresh', { body: { refreshToken } }));
      return true;
    } catch (error) {
      // A network failure keeps the session for a later try; a refused refresh token ends it.
      if (error instanceof MailroomApiError) sessionStore.clear();
      return false;
    }
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** fetch with the admin's bearer token; a 401 refreshes the session once and repeats the request. */
async function sessionFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init);
  if (!sessionStore.accessToken() && sessionStore.refreshToken()) await refreshSession();
  const withToken = () => {
    const copy = request.clone();
    const token = sessionStore.accessToken();
    if (token) copy.headers.set('authorization', `Bearer ${token}`);
    return fetch(copy);
  };
  let response = await withToken();
  if (response.status === 401 && (await refreshSession())) response = await withToken();
  if (response.status === 401) sessionStore.clear();
  return response;
}

const baseUrl = globalThis.location?.origin ?? '';

/** Typed calls as the signed-in admin. */
export const mailroom: MailroomClient = createClient({ baseUrl, fetch: sessionFetch });

/** Typed calls without a session: sign-up, login, logout, invitation and password-reset links. */
export const anonymous: MailroomClient = createClient({ baseUrl });

/** Downloads a binary answer (an attachment) with the same credentials. */
export async function download(path: string): Promise<Blob> {
  let response: Response;
  try {
    response = await sessionFetch(new URL(path, baseUrl));
  } catch (error) {
    throw new MailroomNetworkError(error);
  }
  if (!response.ok) throw MailroomApiError.from(response, await response.json().catch(() => undefined));
  return response.blob();
}
