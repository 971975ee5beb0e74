// Just enough protobuf wire format to keep identity updates as the exact bytes the client sent.
// Decoding and re-encoding them through generated types would drop fields that newer clients add,
// and every later reader replays the whole inbox log, so a lossy copy would poison the inbox.

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

export class WireParseError extends Error {}

/** Returns the raw payload of the first length-delimited field `fieldNumber`, or undefined. */
export function extractLengthDelimitedField(message: Uint8Array, fieldNumber: number): Buffer | undefined {
  let offset = 0;
  while (offset < message.length) {
    const [key, afterKey] = readVarint(message, offset);
    const wireType = Number(key & 7n);
    const field = Number(key >> 3n);
    offset = afterKey;
    switch (wireType) {
      case WIRE_VARINT:
        offset = readVarint(message, offset)[1];
        break;
      case WIRE_FIXED64:
        offset += 8;
        break;
      case WIRE_FIXED32:
        offset += 4;
        break;
      case WIRE_LENGTH_DELIMITED: {
        const [length, start] = readVarint(message, offset);
        const end = start + Number(length);
        if (end > message.length) throw new WireParseError('truncated length-delimited field');
        if (field === fieldNumber) return Buffer.from(message.subarray(start, end));
        offset = end;
        break;
      }
      default:
        throw new WireParseError(`unsupported wire type ${wireType}`);
    }
  }
  if (offset > message.length) throw new WireParseError('truncated message');
  return undefined;
}

function readVarint(bytes: Uint8Array, offset: number): [bigint, number] {
  let value = 0n;
  let shift = 0n;
  for (let i = offset; i < bytes.length && shift < 70n; i++) {
    const byte = bytes[i]!;
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [value, i + 1];
    shift += 7n;
  }
  throw new WireParseError('truncated varint');
}

function encodeVarint(value: bigint): Buffer {
  const out: number[] = [];
  let rest = value;
  do {
    let byte = Number(rest & 0x7fn);
    rest >>= 7n;
    if (rest > 0n) byte |= 0x80;
    out.push(byte);
  } while (rest > 0n);
  return Buffer.from(out);
}

/** Protobuf message builder; fields are written in the order they are added. */
export class MessageWriter {
  private readonly parts: Buffer[] = [];

  uint64(field: number, value: bigint): this {
    if (value === 0n) return this; // proto3 omits default scalars
    this.parts.push(encodeVarint(BigInt(field << 3) | BigInt(WIRE_VARINT)), encodeVarint(value));
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.parts.push(
      encodeVarint(BigInt((field << 3) | WIRE_LENGTH_DELIMITED)),
      encodeVarint(BigInt(value.length)),
      Buffer.from(value.buffer, value.byteOffset, value.byteLength),
    );
    return this;
  }

  string(field: number, value: string): this {
    return value === '' ? this : this.bytes(field, Buffer.from(value, 'utf8'));
  }

  finish(): Buffer {
    return Buffer.concat(this.parts);
  }
}
