import { Global, Module } from '@nestjs/common';
import { IdempotencyRecords, PrismaIdempotencyRecords } from './idempotency-records.js';
import { IdempotencyService } from './idempotency.service.js';

@Global()
@Module({
  providers: [
    { provide: IdempotencyRecords, useClass: PrismaIdempotencyRecords },
    {
      provide: IdempotencyService,
      inject: [IdempotencyRecords],
      useFactory: (records: IdempotencyRecords) => new IdempotencyService(records),
    },
  ],
  exports: [IdempotencyService],
})
export class IdempotencyModule {}
