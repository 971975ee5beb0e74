import type { TenantScope } from '@mailroom/persistence';
import type { PagePosition } from '../../modules/audit/page-cursor.js';

export interface TenantRow {
  readonly id: string;
  readonly tenantId: string;
}

/** Something an in-memory unit of work can roll back. */
export interface Rollbackable {
  snapshot(): () => void;
}

/** Rows of one table in a Map, filtered by tenant the way the Prisma repositories filter by `tenantId`. */
export class InMemoryTable<R extends TenantRow> implements Rollbackable {
  readonly rows = new Map<string, R>();

  all(scope: TenantScope): R[] {
    return [...this.rows.values()].filter((row) => row.tenantId === scope.tenantId);
  }

  get(scope: TenantScope, id: string): R | undefined {
    const row = this.rows.get(id);
    return row?.tenantId === scope.tenantId ? row : undefined;
  }

  put(row: R): R {
    this.rows.set(row.id, row);
    return row;
  }

  /** Rows of `scope` newest first (createdAt desc, id desc), strictly after `after`, at most `take`. */
  page<P extends R & PagePosition>(
    this: InMemoryTable<P>,
    scope: TenantScope,
    page: { after?: PagePosition; take: number },
  ): P[] {
    return this.all(scope)
      .sort(newestFirst)
      .filter((row) => !page.after || newestFirst(page.after, row) < 0)
      .slice(0, page.take);
  }

  snapshot(): () => void {
    const saved = new Map(this.rows);
    return () => {
      this.rows.clear();
      for (const [id, row] of saved) this.rows.set(id, row);
    };
  }
}

export function newestFirst(a: PagePosition, b: PagePosition): number {
  return b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}
