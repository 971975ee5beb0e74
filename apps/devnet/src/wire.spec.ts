import { describe, expect, it } from '@jest/globals';
import { extractLengthDelimitedField, MessageWriter, WireParseError } from './wire.js';

describe('protobuf wire helpers', () => {
  it('round-trips fields written by MessageWriter', () => {
    const inner = Buffer.from([1, 2, 3]);
    const message = new MessageWriter().uint64(2, 300n).bytes(1, inner).string(3, 'x').finish();
    expect(extractLengthDelimitedField(message, 1)).toEqual(inner);
    expect(extractLengthDelimitedField(message, 3)).toEqual(Buffer.from('x'));
    expect(extractLengthDelimitedField(message, 4)).toBeUndefined();
  });

  it('encodes uint64 values beyond 2^53 and omits zero', () => {
    const ns = 1_764_093_797_123_456_789n;
    const encoded = new MessageWriter().uint64(1, ns).uint64(2, 0n).finish();
    let value = 0n;
    for (let i = encoded.length - 1; i >= 1; i--) value = (value << 7n) | BigInt(encoded[i]! & 0x7f);
    expect(encoded[0]).toBe(0x08);
    expect(value).toBe(ns);
  });

  it('rejects truncated input', () => {
    expect(() => extractLengthDelimitedField(Buffer.from([0x0a, 0x05, 1, 2]), 1)).toThrow(WireParseError);
    expect(() => extractLengthDelimitedField(Buffer.from([0x08, 0x80]), 1)).toThrow(WireParseError);
  });
});
