import { describe, expect, it } from '@jest/globals';
import { parseKeyPackageInstallationKey, parseMlsMessageHeader, TlsParseError } from './tls.js';

const u16 = (value: number) => Buffer.from([value >> 8, value & 0xff]);
/** opaque<V> with the shortest MLS varint prefix for `bytes`. */
function opaque(bytes: Buffer): Buffer {
  const n = bytes.length;
  if (n < 64) return Buffer.concat([Buffer.from([n]), bytes]);
  if (n < 16384) return Buffer.concat([Buffer.from([0x40 | (n >> 8), n & 0xff]), bytes]);
  return Buffer.concat([Buffer.from([0x80 | (n >>> 24), (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]), bytes]);
}
const epoch = (value: bigint) => {
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(value);
  return out;
};

describe('parseMlsMessageHeader', () => {
  const groupId = Buffer.from('00112233445566778899aabbccddeeff', 'hex');

  it('reads a PrivateMessage (as libxmtp sends commits and application messages)', () => {
    const bytes = Buffer.concat([u16(1), u16(2), opaque(groupId), epoch(7n), Buffer.from([3]), Buffer.alloc(40)]);
    expect(parseMlsMessageHeader(bytes)).toEqual({ groupId, epoch: 7n, isCommit: true });
  });

  it('reads a PublicMessage from a member, skipping sender and authenticated data', () => {
    const bytes = Buffer.concat([
      u16(1),
      u16(1),
      opaque(groupId),
      epoch(2n),
      Buffer.from([1]),
      Buffer.alloc(4),
      opaque(Buffer.alloc(70, 1)),
      Buffer.from([1]),
    ]);
    expect(parseMlsMessageHeader(bytes)).toEqual({ groupId, epoch: 2n, isCommit: false });
  });

  it('reads a PublicMessage from a new member commit (no sender index)', () => {
    const bytes = Buffer.concat([
      u16(1),
      u16(1),
      opaque(groupId),
      epoch(0n),
      Buffer.from([4]),
      opaque(Buffer.alloc(0)),
      Buffer.from([3]),
    ]);
    expect(parseMlsMessageHeader(bytes).isCommit).toBe(true);
  });

  it('decodes 2- and 4-byte length prefixes', () => {
    const long = Buffer.alloc(20_000, 9);
    const bytes = Buffer.concat([u16(1), u16(2), opaque(long), epoch(1n), Buffer.from([1])]);
    expect(parseMlsMessageHeader(bytes).groupId.length).toBe(20_000);
  });

  it.each([
    ['empty input', Buffer.alloc(0)],
    ['wrong version', Buffer.concat([u16(2), u16(2), opaque(groupId), epoch(1n), Buffer.from([1])])],
    ['a welcome wire format', Buffer.concat([u16(1), u16(3), opaque(groupId), epoch(1n), Buffer.from([1])])],
    ['a truncated group id', Buffer.concat([u16(1), u16(2), Buffer.from([16]), groupId.subarray(0, 5)])],
    ['an invalid varint prefix', Buffer.concat([u16(1), u16(2), Buffer.from([0xc0]), groupId])],
    ['an empty group id', Buffer.concat([u16(1), u16(2), opaque(Buffer.alloc(0)), epoch(1n), Buffer.from([1])])],
    ['an unknown content type', Buffer.concat([u16(1), u16(2), opaque(groupId), epoch(1n), Buffer.from([9])])],
    ['a missing content type', Buffer.concat([u16(1), u16(2), opaque(groupId), epoch(1n)])],
  ])('rejects %s', (_name, bytes) => {
    expect(() => parseMlsMessageHeader(bytes)).toThrow(TlsParseError);
  });
});

describe('parseKeyPackageInstallationKey', () => {
  it('returns leaf_node.signature_key', () => {
    const signatureKey = Buffer.alloc(32, 0xab);
    const bytes = Buffer.concat([
      u16(1),
      u16(3),
      opaque(Buffer.alloc(32, 1)),
      opaque(Buffer.alloc(32, 2)),
      opaque(signatureKey),
      Buffer.alloc(500),
    ]);
    expect(parseKeyPackageInstallationKey(bytes)).toEqual(signatureKey);
  });

  it('rejects truncated or foreign bytes', () => {
    expect(() => parseKeyPackageInstallationKey(Buffer.concat([u16(1), u16(3), opaque(Buffer.alloc(32))]))).toThrow(
      TlsParseError,
    );
    expect(() => parseKeyPackageInstallationKey(Buffer.from('hello world, not a key package'))).toThrow(TlsParseError);
  });
});
