import { Injectable } from '@nestjs/common';
import { Prisma, PrismaClient } from '@mailroom/persistence';

declare const transactionBrand: unique symbol;

/**
 * An open database transaction, opaque to services: they only hand it back to repository methods so that several
 * writes (a change and its audit row, say) commit or roll back together. Only repositories look inside.
 */
export interface Transaction {
  readonly [transactionBrand]: true;
}

/** Runs a unit of work in one transaction. Services inject this token; unit tests swap in an in-memory one. */
export abstract class UnitOfWork {
  abstract run<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
}

@Injectable()
export class PrismaUnitOfWork extends UnitOfWork {
  constructor(private readonly prisma: PrismaClient) {
    super();
  }

  run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.prisma.$transaction((client) => work(client as unknown as Transaction));
  }
}

/**
 * A transaction as repositories accept it while the webhook outbox still hands over Prisma transaction clients. New
 * code passes a `Transaction`.
 */
export type AnyTransaction = Transaction | Prisma.TransactionClient;

/** A Prisma client that runs in `tx` when there is one. For repositories only. */
export function clientFor(prisma: PrismaClient, tx: AnyTransaction | undefined): Prisma.TransactionClient {
  return (tx as unknown as Prisma.TransactionClient | undefined) ?? prisma;
}

/** Whether a write failed on a unique constraint (Prisma P2002), without services importing Prisma. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}
