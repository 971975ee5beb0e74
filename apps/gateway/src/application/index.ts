export { ApplicationModule } from './application.module.js';
export { OperationPipeline, type OperationObserver } from './operation-pipeline.js';
export type { OperationCall, OperationOutcome, OperationPolicy } from './operation.js';
