import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { nonPublicReason } from './address-ranges.js';
import { OutboundAllowlist } from './outbound-allowlist.js';

/** A URL the policy accepted, with the address it was checked against: connect to exactly that address. */
export interface OutboundTarget {
  readonly url: URL;
  /** Host name as written in the URL (brackets removed for IPv6 literals); used for Host and TLS SNI. */
  readonly hostname: string;
  readonly address: string;
  readonly family: 4 | 6;
}

/** The URL may not be reached; `message` says why in one line (safe to show the tenant). */
export class OutboundRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutboundRefusedError';
  }
}

export type HostResolver = (hostname: string) => Promise<readonly { address: string; family: number }[]>;

const systemResolver: HostResolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

/**
 * Guards requests the gateway makes on a tenant's behalf (webhooks, attachment fetches) against SSRF: only http(s),
 * and every address the host resolves to must be public unless `OUTBOUND_ALLOWLIST` names the host or the address.
 * Check again right before each request and connect to the returned address, so a DNS answer that changes
 * between check and connect (rebinding) cannot redirect the request.
 */
export class OutboundPolicy {
  private readonly allowlist: OutboundAllowlist;

  constructor(
    allowlist: readonly string[],
    private readonly resolve: HostResolver = systemResolver,
  ) {
    this.allowlist = new OutboundAllowlist(allowlist);
  }

  async check(rawUrl: string): Promise<OutboundTarget> {
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      throw new OutboundRefusedError('the URL is not valid');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new OutboundRefusedError(`the URL scheme must be http or https, not ${url.protocol.replace(/:$/, '')}`);
    }
    const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (!hostname) throw new OutboundRefusedError('the URL has no host');
    const addresses = isIP(hostname) ? [{ address: hostname, family: isIP(hostname) }] : await this.lookup(hostname);
    const hostAllowed = this.allowlist.allowsHost(hostname);
    for (const { address } of addresses) {
      const reason = nonPublicReason(address);
      if (reason && !hostAllowed && !this.allowlist.allowsAddress(address)) {
        const via = address === hostname ? '' : `${hostname} resolves to `;
        throw new OutboundRefusedError(
          `${via}${address}, a ${reason} address; only public addresses are allowed (see OUTBOUND_ALLOWLIST)`,
        );
      }
    }
    const first = addresses[0]!;
    return { url, hostname, address: first.address, family: first.family === 6 ? 6 : 4 };
  }

  private async lookup(hostname: string): Promise<readonly { address: string; family: number }[]> {
    try {
      const found = await this.resolve(hostname);
      if (found.length > 0) return found;
    } catch {
      // reported below
    }
    throw new OutboundRefusedError(`the host ${hostname} does not resolve`);
  }
}
