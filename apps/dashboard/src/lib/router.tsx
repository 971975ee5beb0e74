import { useEffect, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/** The app lives under /admin; routes below are written without it. */
export const BASE = '/admin';

const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());
window.addEventListener('popstate', notify);

function currentPath(): string {
  const path = window.location.pathname.startsWith(BASE)
    ? window.location.pathname.slice(BASE.length)
    : window.location.pathname;
  return path === '' ? '/' : path;
}

/** Path and query string: a change of either re-renders subscribers. */
function currentLocation(): string {
  return `${currentPath()}${window.location.search}`;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const url = `${BASE}${to}`;
  if (options.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  notify();
  window.scrollTo(0, 0);
}

export function usePath(): string {
  return useSyncExternalStore(subscribe, currentPath);
}

export function useQueryParam(name: string): string | null {
  const location = useSyncExternalStore(subscribe, currentLocation);
  const query = location.indexOf('?');
  return query < 0 ? null : new URLSearchParams(location.slice(query)).get(name);
}

/** Matches `/identities/:id` against a path; returns the parameters or null. */
export function matchRoute(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    if (w.startsWith(':')) params[w.slice(1)] = decodeURIComponent(have[i]!);
    else if (w !== have[i]) return null;
  }
  return params;
}

/** A real link (works with middle-click and the keyboard) that navigates inside the app on a plain click. */
export function Link({ to, onClick, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey
    )
      return;
    event.preventDefault();
    navigate(to);
  };
  const current = usePath() === to;
  return <a href={`${BASE}${to}`} onClick={handle} aria-current={current ? 'page' : undefined} {...rest} />;
}

/** Sets the document title (read by screen readers on page change). */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Mailroom admin`;
  }, [title]);
}
