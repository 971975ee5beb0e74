import { BlockList, isIP } from 'node:net';

/**
 * The operator's exceptions to the outbound policy (`OUTBOUND_ALLOWLIST`): host names matched exactly (case-insensitive),
 * and addresses or CIDRs matched against the resolved address.
 */
export class OutboundAllowlist {
  private readonly hosts = new Set<string>();
  private readonly networks = new BlockList();

  constructor(entries: readonly string[]) {
    for (const raw of entries) {
      const entry = raw.trim().toLowerCase();
      if (!entry) continue;
      const [address, prefix] = entry.split('/') as [string, string | undefined];
      const family = isIP(address);
      if (family === 0) {
        this.hosts.add(address.replace(/\.$/, ''));
        continue;
      }
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (prefix === undefined) this.networks.addAddress(address, type);
      else this.networks.addSubnet(address, Number(prefix), type);
    }
  }

  allowsHost(hostname: string): boolean {
    return this.hosts.has(hostname.toLowerCase().replace(/\.$/, ''));
  }

  allowsAddress(address: string): boolean {
    const family = isIP(address);
    if (family === 0) return false;
    return this.networks.check(address.split('%')[0]!, family === 4 ? 'ipv4' : 'ipv6');
  }
}
