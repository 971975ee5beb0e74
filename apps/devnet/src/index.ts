export { startDevnet, DEFAULT_DEVNET_PORT, type Devnet, type DevnetOptions } from './devnet.js';
export { createLogger, type DevnetLogger, type LogLevel } from './logger.js';
