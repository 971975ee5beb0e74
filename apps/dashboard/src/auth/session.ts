import { useSyncExternalStore } from 'react';
import { anonymous } from '../api/client.js';
import { sessionStore } from '../api/session-store.js';

const EMAIL_KEY = 'mailroom.email';

export interface SignupInput {
  tenantName: string;
  email: string;
  password: string;
}

export async function signUp(input: SignupInput): Promise<void> {
  const answer = await anonymous.POST('/v1/admin/signup', { body: input });
  if (!('accessToken' in answer)) throw new Error('Check your email to confirm the sign-up, then log in.');
  sessionStore.save(answer);
  sessionStorage.setItem(EMAIL_KEY, input.email);
}

export async function logIn(email: string, password: string): Promise<void> {
  const answer = await anonymous.POST('/v1/admin/login', { body: { email, password } });
  sessionStore.save(answer);
  sessionStorage.setItem(EMAIL_KEY, email);
}

/** Ends the session on the server (the refresh token stops working) and forgets it here, even if the call fails. */
export async function logOut(): Promise<void> {
  const refreshToken = sessionStore.refreshToken();
  try {
    if (refreshToken) await anonymous.POST('/v1/admin/logout', { body: { refreshToken } });
  } finally {
    sessionStore.clear();
    sessionStorage.removeItem(EMAIL_KEY);
  }
}

export function useSignedIn(): boolean {
  return useSyncExternalStore(sessionStore.subscribe, sessionStore.hasSession);
}

export function signedInEmail(): string | null {
  return sessionStorage.getItem(EMAIL_KEY);
}

/** The admin role claimed by the current access token (informational: the gateway enforces it). */
export function currentRole(): string | null {
  const token = sessionStore.accessToken();
  if (!token) return null;
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { role?: string };
    return payload.role ?? null;
  } catch {
    return null;
  }
}
