export type SortDirection = 'ascending' | 'descending';

export const MAX_PAGE_SIZE = 100;

export interface PageRequest {
  direction: SortDirection;
  limit: number;
  /** Exclusive bound; 0 means no bound. */
  cursor: number;
}

export interface Page<T> {
  items: T[];
  /** The last returned id when the page is full, otherwise 0, which tells the client to stop. */
  nextCursor: number;
}

/** One page of `sorted` (ascending by id) after or before an exclusive cursor. */
export function pageById<T extends { id: number }>(sorted: readonly T[], request: PageRequest): Page<T> {
  const items: T[] = [];
  if (request.direction === 'ascending') {
    for (let i = firstIndexAbove(sorted, request.cursor); i < sorted.length && items.length < request.limit; i++) {
      items.push(sorted[i]!);
    }
  } else {
    const start = request.cursor === 0 ? sorted.length : firstIndexAbove(sorted, request.cursor - 1);
    for (let i = start - 1; i >= 0 && items.length < request.limit; i--) items.push(sorted[i]!);
  }
  const full = request.limit > 0 && items.length === request.limit;
  return { items, nextCursor: full ? items[items.length - 1]!.id : 0 };
}

/** Index of the first element whose id is greater than `id` (binary search). */
export function firstIndexAbove<T extends { id: number }>(sorted: readonly T[], id: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]!.id <= id) low = mid + 1;
    else high = mid;
  }
  return low;
}
