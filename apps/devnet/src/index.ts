export { startDevnet, DEFAULT_DEVNET_PORT, defaultHistoryPort, type Devnet, type DevnetOptions } from './devnet.js';
export { DEFAULT_HISTORY_MAX_UPLOAD_BYTES, DEFAULT_HISTORY_RETENTION_MS } from './history/history-server.js';
export { loadXmtpProtos, MLS_SERVICE, IDENTITY_SERVICE } from './proto.js';
export { createLogger, type DevnetLogger, type LogLevel } from './logger.js';
