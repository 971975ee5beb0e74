export { startDevnet, DEFAULT_DEVNET_PORT, type Devnet, type DevnetOptions } from './devnet.js';
export { loadXmtpProtos, MLS_SERVICE, IDENTITY_SERVICE } from './proto.js';
export { createLogger, type DevnetLogger, type LogLevel } from './logger.js';
