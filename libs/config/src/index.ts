export { loadConfig, redactConfig, ConfigError } from './config.js';
export type { GatewayConfig, NodeEnv, XmtpEnv, LogLevel, AttachmentsConfig, BlobStoreName } from './config.js';
export { VARIABLES } from './variables.js';
export type { TrustProxySetting, VariableName, VariableSpec } from './variables.js';
export { configurationTable } from './docs-table.js';
