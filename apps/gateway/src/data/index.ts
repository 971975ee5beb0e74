export { DataModule } from './data.module.js';
export {
  clientFor,
  isUniqueViolation,
  PrismaUnitOfWork,
  UnitOfWork,
  type AnyTransaction,
  type Transaction,
} from './unit-of-work.js';
