export { startGateway, type RunningGateway } from './gateway.js';
export { createGatewayApp, type CreateAppOptions } from './app.factory.js';
export { startRuntime, MIGRATIONS_DIR } from './infrastructure.js';
export type { GatewayRuntime, ReadinessCheck } from './runtime.js';
export { DomainError, ErrorCode } from './common/errors/index.js';
