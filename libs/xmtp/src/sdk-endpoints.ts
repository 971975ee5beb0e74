import { ApiUrls, HistorySyncUrls, type XmtpEnv } from '@xmtp/node-sdk';

export interface SdkEndpoints {
  apiUrl: string;
  historySyncUrl?: string;
}

/**
 * Points the SDK's `env` at a node. `Client.create`'s pre-create inbox lookup and the static helpers
 * (`Client.canMessage`, `fetchInboxStates`, `revokeInstallations`, …) read `ApiUrls[env]` and ignore the
 * `apiUrl` option, so the per-env table itself has to change. Call before creating any client.
 * Affects the whole process: every client of that env talks to this node afterwards.
 */
export function pointSdkAt(apiUrl: string, env: XmtpEnv = 'local', historySyncUrl?: string): void {
  const url = new URL(apiUrl); // throws on a malformed URL before anything is changed
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`XMTP API URL must be http(s): ${apiUrl}`);
  (ApiUrls as Record<XmtpEnv, string>)[env] = apiUrl.replace(/\/+$/, '');
  if (historySyncUrl !== undefined) (HistorySyncUrls as Record<XmtpEnv, string>)[env] = historySyncUrl;
}

/** The endpoints the SDK currently uses for `env`. */
export function sdkEndpoints(env: XmtpEnv = 'local'): SdkEndpoints {
  return { apiUrl: ApiUrls[env], historySyncUrl: HistorySyncUrls[env] };
}
