import { BlockList, isIP } from 'node:net';

/**
 * Addresses an outbound request must not reach unless the operator allows them: everything that is not
 * ordinary public unicast (RFC 6890 special-purpose registries, trimmed to what matters for SSRF).
 */
const NON_PUBLIC_IPV4: readonly [string, number, string][] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

const NON_PUBLIC_IPV6: readonly [string, number, string][] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['100::', 64, 'discard'],
  ['2001:db8::', 32, 'documentation'],
  ['fc00::', 7, 'unique local (private)'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
];

const ranges = (family: 'ipv4' | 'ipv6', list: readonly [string, number, string][]) =>
  list.map(([network, prefix, reason]) => {
    const block = new BlockList();
    block.addSubnet(network, prefix, family);
    return { block, family, reason };
  });

const CHECKS = [...ranges('ipv4', NON_PUBLIC_IPV4), ...ranges('ipv6', NON_PUBLIC_IPV6)];

/** The IPv4 address an IPv6 address carries (IPv4-mapped, IPv4-compatible, NAT64 or 6to4), if any. */
export function embeddedIpv4(address: string): string | undefined {
  const words = expandIpv6(address);
  if (!words) return undefined;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  const zeros = (from: number, to: number) => words.slice(from, to).every((w) => w === 0);
  if (zeros(0, 5) && (words[5] === 0xffff || words[5] === 0) && !(words[5] === 0 && words[6] === 0))
    return v4(words[6]!, words[7]!);
  if (words[0] === 0x64 && words[1] === 0xff9b && zeros(2, 6)) return v4(words[6]!, words[7]!);
  if (words[0] === 0x2002) return v4(words[1]!, words[2]!);
  return undefined;
}

/** Eight 16-bit words of an IPv6 address (with any trailing dotted IPv4 folded in), or undefined if not IPv6. */
function expandIpv6(address: string): number[] | undefined {
  if (isIP(address) !== 6) return undefined;
  let text = address.split('%')[0]!.toLowerCase();
  const dotted = text.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = text.slice(0, -dotted[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string) => (part ? part.split(':').map((w) => parseInt(w, 16)) : []);
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const fill = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...new Array<number>(fill).fill(0), ...right];
}

const verdicts = new Map<string, string | undefined>();
const MAX_REMEMBERED_VERDICTS = 10_000;

/**
 * Why `address` is not a public unicast address ("loopback", "private", …), or undefined when it is public.
 * IPv6 addresses that embed an IPv4 address are judged by that IPv4 address too. Remembered per address: every webhook
 * attempt asks again, and the ranges' checks cost more than the rest of the policy.
 */
export function nonPublicReason(address: string): string | undefined {
  if (verdicts.has(address)) return verdicts.get(address);
  const reason = classify(address);
  if (verdicts.size >= MAX_REMEMBERED_VERDICTS) verdicts.clear();
  verdicts.set(address, reason);
  return reason;
}

function classify(address: string): string | undefined {
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const bare = address.split('%')[0]!;
  for (const check of CHECKS) if (check.family === type && check.block.check(bare, type)) return check.reason;
  if (family === 6) {
    const inner = embeddedIpv4(bare);
    if (inner) {
      const reason = nonPublicReason(inner);
      if (reason) return `${reason} (embedded in IPv6)`;
    }
  }
  return undefined;
}
