import { describe, expect, it } from '@jest/globals';
import { embeddedIpv4, nonPublicReason } from './address-ranges.js';
import { OutboundPolicy, OutboundRefusedError, type HostResolver } from './outbound-policy.js';

const resolver =
  (answers: Record<string, string[]>): HostResolver =>
  async (hostname) => {
    const found = answers[hostname];
    if (!found) throw new Error('ENOTFOUND');
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

async function refusal(policy: OutboundPolicy, url: string): Promise<string> {
  try {
    await policy.check(url);
  } catch (error) {
    expect(error).toBeInstanceOf(OutboundRefusedError);
    return (error as Error).message;
  }
  throw new Error(`expected ${url} to be refused`);
}

describe('nonPublicReason', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.100.0.1', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fd12:3456::1', 'unique local (private)'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback (embedded in IPv6)'],
    ['::ffff:7f00:1', 'loopback (embedded in IPv6)'],
    ['64:ff9b::a00:1', 'private (embedded in IPv6)'],
    ['2002:c0a8:101::1', 'private (embedded in IPv6)'],
  ])('%s is %s', (address, reason) => {
    expect(nonPublicReason(address)).toBe(reason);
  });

  it.each([['93.184.216.34'], ['8.8.8.8'], ['2606:4700:4700::1111'], ['::ffff:8.8.8.8'], ['172.32.0.1']])(
    '%s is public',
    (address) => {
      expect(nonPublicReason(address)).toBeUndefined();
    },
  );

  it('finds the IPv4 address inside mapped, NAT64 and 6to4 addresses', () => {
    expect(embeddedIpv4('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(embeddedIpv4('64:ff9b::808:808')).toBe('8.8.8.8');
    expect(embeddedIpv4('2002:0808:0808::')).toBe('8.8.8.8');
    expect(embeddedIpv4('2606:4700::1')).toBeUndefined();
  });
});

describe('OutboundPolicy', () => {
  const answers = {
    'hooks.example': ['93.184.216.34'],
    'sneaky.example': ['93.184.216.34', '127.0.0.1'],
    'internal.example': ['10.0.0.5'],
  };

  it('accepts public http(s) URLs and pins the checked address', async () => {
    const policy = new OutboundPolicy([], resolver(answers));
    const target = await policy.check('https://hooks.example/in');
    expect(target).toMatchObject({ hostname: 'hooks.example', address: '93.184.216.34', family: 4 });
  });

  it('refuses other schemes, loopback, private and any host with one non-public answer', async () => {
    const policy = new OutboundPolicy([], resolver(answers));
    expect(await refusal(policy, 'ftp://hooks.example/x')).toBe('the URL scheme must be http or https, not ftp');
    expect(await refusal(policy, 'file:///etc/passwd')).toContain('must be http or https');
    expect(await refusal(policy, 'http://127.0.0.1:8080/')).toContain('127.0.0.1, a loopback address');
    expect(await refusal(policy, 'http://[::1]/')).toContain('::1, a loopback address');
    expect(await refusal(policy, 'http://[::ffff:127.0.0.1]/')).toContain('loopback');
    expect(await refusal(policy, 'http://sneaky.example/')).toContain('sneaky.example resolves to 127.0.0.1');
    expect(await refusal(policy, 'http://internal.example/')).toContain('private');
    expect(await refusal(policy, 'http://nowhere.example/')).toBe('the host nowhere.example does not resolve');
  });

  it('lets the allowlist admit hosts, addresses and CIDRs', async () => {
    const policy = new OutboundPolicy(['127.0.0.1', '10.0.0.0/8', 'sneaky.example'], resolver(answers));
    await expect(policy.check('http://127.0.0.1:9/')).resolves.toMatchObject({ address: '127.0.0.1' });
    await expect(policy.check('http://internal.example/')).resolves.toMatchObject({ address: '10.0.0.5' });
    await expect(policy.check('http://sneaky.example/')).resolves.toMatchObject({ address: '93.184.216.34' });
    expect(await refusal(policy, 'http://127.0.0.2/')).toContain('loopback');
  });
});
