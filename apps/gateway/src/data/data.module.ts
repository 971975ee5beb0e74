import { Global, Module } from '@nestjs/common';
import { PrismaUnitOfWork, UnitOfWork } from './unit-of-work.js';

/** The unit of work every service uses for transactions. Repositories are provided by their feature modules. */
@Global()
@Module({ providers: [{ provide: UnitOfWork, useClass: PrismaUnitOfWork }], exports: [UnitOfWork] })
export class DataModule {}
