import type { ReactNode } from 'react';

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

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children && <div className="empty-body">{children}</div>}
    </div>
  );
}

/** Loading, error and empty states around a list or panel, so every page handles all three the same way. */
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
  if (resource.data === undefined) {
    if (resource.error) return <ErrorBanner message={resource.error} onRetry={() => void resource.reload()} />;
    return <Loading label={loadingLabel} />;
  }
  return (
    <>
      {resource.error && <ErrorBanner message={resource.error} onRetry={() => void resource.reload()} />}
      {isEmpty?.(resource.data) ? empty : children(resource.data)}
    </>
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
        >
          {list.loadingMore ? 'Loading…' : 'Load more'}
        </button>
      )}
    </div>
  );
}
