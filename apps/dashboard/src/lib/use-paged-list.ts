import { useCallback, useEffect, useRef, useState } from 'react';
import { messageOf } from '../api/problem.js';

/** One page of a cursor-paged list of the API (`{ items, nextCursor }`). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
import type { Resource } from './use-resource.js';

export interface PagedList<T> extends Resource<Page<T>> {
  /** Fetches the next page with the API's opaque cursor and appends it. */
  loadMore: () => Promise<void>;
  loadingMore: boolean;
  moreError: string | null;
}

/**
 * A `{ items, nextCursor }` list that grows page by page. `reload` fetches again as many items as are shown,
 * so a row the admin just acted on stays in view after the refresh.
 */
export function usePagedList<T>(
  loadPage: (cursor?: string) => Promise<Page<T>>,
  deps: readonly unknown[],
): PagedList<T> {
  const [data, setData] = useState<Page<T>>();
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<string | null>(null);
  const generation = useRef(0);
  const shown = useRef(0);

  // eslint-disable-next-line react-hooks/exhaustive-deps
  const load = useCallback(loadPage, deps);

  const fetchUpTo = useCallback(
    async (count: number): Promise<Page<T>> => {
      let page = await load();
      const items = [...page.items];
      while (items.length < count && page.nextCursor) {
        page = await load(page.nextCursor);
        items.push(...page.items);
      }
      return { items, nextCursor: page.nextCursor };
    },
    [load],
  );

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setLoading(true);
    try {
      const page = await fetchUpTo(shown.current);
      if (mine !== generation.current) return;
      shown.current = page.items.length;
      setData(page);
      setError(null);
    } catch (e) {
      if (mine === generation.current) setError(messageOf(e));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, [fetchUpTo]);

  // New list parameters (another filter, another parent): start again from the first page.
  useEffect(() => {
    shown.current = 0;
    setData(undefined);
    void reload();
  }, [reload]);

  const loadMore = useCallback(async () => {
    if (!data?.nextCursor) return;
    const mine = generation.current;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await load(data.nextCursor);
      if (mine !== generation.current) return;
      const items = [...data.items, ...page.items];
      shown.current = items.length;
      setData({ items, nextCursor: page.nextCursor });
    } catch (e) {
      setMoreError(messageOf(e));
    } finally {
      setLoadingMore(false);
    }
  }, [data, load]);

  return { data, error, loading, reload, loadMore, loadingMore, moreError };
}
