import { useSyncExternalStore } from 'react';
import type { Schema } from '@mailroom/client';
import { sessionStore } from '../api/session-store.js';

type AdminRole = Schema<'AdminUserResponse'>['role'];

const EMAIL_KEY = 'mailroom.email';

interface AdminClaims {
  sub?: string;
  role?: AdminRole;
}

function claimsOf(token: string | null): AdminClaims {
  if (!token) return {};
  try {
    return JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as AdminClaims;
  } catch {
    return {};
  }
}

/** The signed-in admin's id and role, read from the access token (informational: the gateway enforces roles). */
export function useAdminClaims(): AdminClaims {
  const token = useSyncExternalStore(sessionStore.subscribe, sessionStore.accessToken);
  return claimsOf(token);
}

/**
 * Whether the signed-in admin may change things; viewers get read-only pages. Until the first call after a reload
 * has refreshed the access token the role is unknown, and write controls wait for it rather than flash at a viewer.
 */
export function useCanWrite(): boolean {
  const role = useAdminClaims().role;
  return role !== undefined && role !== 'viewer';
}

export function currentAdminId(): string | null {
  return claimsOf(sessionStore.accessToken()).sub ?? null;
}

/** Starts a session from a session answer (accepting an invitation, changing the password). */
export function startSession(tokens: { accessToken: string; refreshToken: string }, email?: string): void {
  sessionStore.save(tokens);
  if (email) sessionStorage.setItem(EMAIL_KEY, email);
}
