// The XMTP networks Mailroom can be pointed at, and which @xmtp/node-sdk major serves which. The names are the SDKs' own
// (`XmtpEnv` of node-sdk 5.5.0 and 6.0.0); libs/xmtp/src/sdk/xmtp-networks.spec.ts checks them against the installed
// SDKs' declarations, and at start the gateway checks the network against the SDK it actually loaded.

/** Every `XMTP_ENV` some supported SDK accepts. */
export const XMTP_ENVS = [
  'local',
  'dev',
  'production',
  'testnet-staging',
  'testnet-dev',
  'testnet',
  'mainnet',
] as const;

export type XmtpEnv = (typeof XMTP_ENVS)[number];

/** The decentralized networks: reached only through an XMTP Gateway Service, which pays their fees. */
export const DECENTRALIZED_XMTP_ENVS: readonly XmtpEnv[] = ['testnet-staging', 'testnet-dev', 'testnet', 'mainnet'];

/** The networks each SDK major accepts (node-sdk 5.5's XmtpEnv has the centralized three only). */
export const XMTP_ENVS_BY_SDK_MAJOR: Readonly<Record<5 | 6, readonly XmtpEnv[]>> = {
  5: ['local', 'dev', 'production'],
  6: XMTP_ENVS,
};

export interface XmtpNetworkSetting {
  readonly env: XmtpEnv;
  readonly gatewayHost?: string;
}

export const isDecentralizedXmtpEnv = (env: XmtpEnv): boolean => DECENTRALIZED_XMTP_ENVS.includes(env);

/**
 * Why the network cannot be served, one line per reason. `sdk` is the major that runs, or `auto` when it is not known
 * yet (then only what holds for every SDK is checked; the gateway checks again once the SDK is loaded).
 */
export function xmtpNetworkProblems(network: XmtpNetworkSetting, sdk: 5 | 6 | 'auto'): string[] {
  const problems: string[] = [];
  // node-sdk 6 refuses to build a client for a decentralized network without one (BackendConfigError::MissingGatewayHost).
  if (isDecentralizedXmtpEnv(network.env) && !network.gatewayHost)
    problems.push(
      `XMTP_ENV=${network.env} needs XMTP_GATEWAY_HOST: the decentralized networks are reached through an XMTP Gateway Service, which pays their fees`,
    );
  if (sdk === 5) {
    const known = XMTP_ENVS_BY_SDK_MAJOR[5];
    if (!known.includes(network.env))
      problems.push(`XMTP_ENV=${network.env} needs @xmtp/node-sdk 6 (node-sdk 5 knows ${known.join(', ')})`);
    // node-sdk 5.5 documents gatewayHost as valid for testnet and mainnet only, networks it cannot name.
    else if (network.gatewayHost)
      problems.push('XMTP_GATEWAY_HOST needs @xmtp/node-sdk 6 (node-sdk 5 cannot reach a decentralized network)');
  }
  return problems;
}
