export { loadConfig, redactConfig, ConfigError } from './config.js';
export type { GatewayConfig, NodeEnv, XmtpEnv, LogLevel, AttachmentsConfig, BlobStoreName } from './config.js';
export { VARIABLES } from './variables.js';
export type { TrustProxySetting, VariableName, VariableSpec } from './variables.js';
export { configurationTable } from './docs-table.js';
export {
  DECENTRALIZED_XMTP_ENVS,
  isDecentralizedXmtpEnv,
  XMTP_ENVS,
  XMTP_ENVS_BY_SDK_MAJOR,
  xmtpNetworkProblems,
  type XmtpNetworkSetting,
} from './xmtp-networks.js';
