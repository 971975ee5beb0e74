import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { OperationPipeline } from './operation-pipeline.js';
import { RestOperationInterceptor } from './rest-operation.interceptor.js';

/** The operation pipeline, and REST's adapter onto it for every route (GraphQL's is in modules/graphql). */
@Global()
@Module({
  providers: [OperationPipeline, { provide: APP_INTERCEPTOR, useClass: RestOperationInterceptor }],
  exports: [OperationPipeline],
})
export class ApplicationModule {}
