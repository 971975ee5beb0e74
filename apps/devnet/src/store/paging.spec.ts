import { describe, expect, it } from '@jest/globals';
import { pageById } from './paging.js';

const rows = [2, 4, 6, 8, 10].map((id) => ({ id }));
const ids = (page: { items: { id: number }[] }) => page.items.map((row) => row.id);

describe('pageById', () => {
  it('pages ascending after an exclusive cursor, with a next cursor only for a full page', () => {
    const first = pageById(rows, { direction: 'ascending', cursor: 0, limit: 2 });
    expect(ids(first)).toEqual([2, 4]);
    expect(first.nextCursor).toBe(4);
    const second = pageById(rows, { direction: 'ascending', cursor: 4, limit: 2 });
    expect(ids(second)).toEqual([6, 8]);
    const last = pageById(rows, { direction: 'ascending', cursor: 8, limit: 2 });
    expect(ids(last)).toEqual([10]);
    expect(last.nextCursor).toBe(0);
  });

  it('pages descending before an exclusive cursor; 0 means from the newest', () => {
    expect(ids(pageById(rows, { direction: 'descending', cursor: 0, limit: 3 }))).toEqual([10, 8, 6]);
    expect(ids(pageById(rows, { direction: 'descending', cursor: 6, limit: 3 }))).toEqual([4, 2]);
    expect(ids(pageById(rows, { direction: 'descending', cursor: 7, limit: 3 }))).toEqual([6, 4, 2]);
  });

  it('handles empty lists and zero limits', () => {
    expect(pageById([], { direction: 'ascending', cursor: 0, limit: 100 })).toEqual({ items: [], nextCursor: 0 });
    expect(pageById(rows, { direction: 'ascending', cursor: 0, limit: 0 })).toEqual({ items: [], nextCursor: 0 });
  });
});
