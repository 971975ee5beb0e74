import { useEffect, useState, type ReactNode } from 'react';

export function ErrorBanner({ message, onRetry }: { message: string | null; onRetry?: () => void }) {
  if (!message) return null;
  return (
    <div className="banner banner-error" role="alert">
      <span>{message}</span>
      {onRetry && (
        <button type="button" className="button button-small" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** How long a load may take before its progress shows (quicker loads would only flash a spinner). */
export const PROGRESS_DELAY_MS = 200;

/** True once `active` has lasted `delayMs`; false again as soon as it ends. */
function useDelayed(active: boolean, delayMs = PROGRESS_DELAY_MS): boolean {
  const [shown, setShown] = useState(false);
  useEffect(() => {
    if (!active) {
      setShown(false);
      return;
    }
    const timer = setTimeout(() => setShown(true), delayMs);
    return () => clearTimeout(timer);
  }, [active, delayMs]);
  return active && shown;
}

/** A spinner and a label, shown once the load has taken PROGRESS_DELAY_MS (the status region is there at once). */
export function Loading({ label = 'Loading…', inline = false }: { label?: string; inline?: boolean }) {
  const visible = useDelayed(true);
  return (
    <p className={inline ? 'loading loading-inline' : 'loading'} role="status" aria-live="polite">
      {visible && (
        <>
          <span className="spinner" aria-hidden="true" />
          {label}
        </>
      )}
    </p>
  );
}

/** An empty list or panel: what is (not) there, and always what to do next. */
export function EmptyState({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      <div className="empty-body">{children}</div>
    </div>
  );
}

/**
 * Loading, error and empty states around a list or panel, so every page handles all three the same way. The section
 * is aria-busy while it loads; a first load shows a spinner, a reload keeps the data and shows "Updating…" above it.
 */
export function AsyncSection<T>({
  resource,
  isEmpty,
  empty,
  children,
  loadingLabel,
}: {
  resource: { data: T | undefined; error: string | null; loading: boolean; reload: () => Promise<void> };
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  loadingLabel?: string;
  children: (data: T) => ReactNode;
}) {
  const refreshing = useDelayed(resource.loading && resource.data !== undefined);
  let body: ReactNode;
  if (resource.data === undefined) {
    body =
      resource.error && !resource.loading ? (
        <ErrorBanner message={resource.error} onRetry={() => void resource.reload()} />
      ) : (
        <Loading label={loadingLabel} />
      );
  } else {
    body = (
      <>
        {refreshing && <Loading label="Updating…" inline />}
        {resource.error && <ErrorBanner message={resource.error} onRetry={() => void resource.reload()} />}
        {isEmpty?.(resource.data) ? empty : children(resource.data)}
      </>
    );
  }
  return (
    <div className="async-section" aria-busy={resource.loading}>
      {body}
    </div>
  );
}

export function StatusBadge({ tone, children }: { tone: 'good' | 'bad' | 'warn' | 'neutral'; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

/** "Load more" under a paged list, while the API says there is a next page. */
export function LoadMore({
  list,
}: {
  list: {
    data?: { nextCursor: string | null };
    loadMore: () => Promise<void>;
    loadingMore: boolean;
    moreError: string | null;
  };
}) {
  if (!list.data?.nextCursor && !list.moreError) return null;
  return (
    <div className="load-more">
      <ErrorBanner message={list.moreError} />
      {list.data?.nextCursor && (
        <button
          type="button"
          className="button button-secondary"
          onClick={() => void list.loadMore()}
          disabled={list.loadingMore}
          aria-busy={list.loadingMore}
        >
          {list.loadingMore ? 'Loading…' : 'Load more'}
        </button>
      )}
    </div>
  );
}
