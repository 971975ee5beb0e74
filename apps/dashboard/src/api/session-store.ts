/**
 * Where the admin session lives. The access token stays in memory; the refresh token is kept in this tab's
 * sessionStorage so a reload keeps you signed in, and closing the tab ends it.
 */
const REFRESH_KEY = 'mailroom.refreshToken';

export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

let accessToken: string | null = null;
const listeners = new Set<() => void>();

export const sessionStore = {
  accessToken: () => accessToken,
  refreshToken: () => sessionStorage.getItem(REFRESH_KEY),
  hasSession: () => accessToken !== null || sessionStorage.getItem(REFRESH_KEY) !== null,
  save(tokens: Tokens): void {
    accessToken = tokens.accessToken;
    sessionStorage.setItem(REFRESH_KEY, tokens.refreshToken);
    listeners.forEach((l) => l());
  },
  clear(): void {
    accessToken = null;
    sessionStorage.removeItem(REFRESH_KEY);
    listeners.forEach((l) => l());
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
