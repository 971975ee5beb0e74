import { UnitOfWork, type Transaction } from '../../data/index.js';
import type { Rollbackable } from './in-memory-table.js';

/** Runs work directly; when it throws, the fakes it was given are restored as a rolled-back transaction would be. */
export class InMemoryUnitOfWork extends UnitOfWork {
  transactions = 0;
  private readonly stores: Rollbackable[];

  constructor(...stores: Rollbackable[]) {
    super();
    this.stores = stores;
  }

  async run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    this.transactions++;
    const restores = this.stores.map((store) => store.snapshot());
    try {
      return await work({} as Transaction);
    } catch (error) {
      for (const restore of restores) restore();
      throw error;
    }
  }
}
