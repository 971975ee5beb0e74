// Minimal readers for the TLS-serialized MLS structures the devnet must look inside (RFC 9420).
// The devnet trusts clients, so it reads only the fields it routes by and never verifies anything.

export class TlsParseError extends Error {}

/** A forward-only reader over TLS presentation-language bytes. */
class TlsReader {
  private offset = 0;

  constructor(private readonly bytes: Uint8Array) {}

  u8(): number {
    this.need(1);
    return this.bytes[this.offset++]!;
  }

  u16(): number {
    this.need(2);
    const value = (this.bytes[this.offset]! << 8) | this.bytes[this.offset + 1]!;
    this.offset += 2;
    return value;
  }

  skip(length: number): void {
    this.need(length);
    this.offset += length;
  }

  /** An `opaque<V>`: an MLS variable-length integer length prefix, then that many bytes. */
  opaque(): Uint8Array {
    const length = this.varint();
    this.need(length);
    const value = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  private varint(): number {
    const first = this.u8();
    const prefix = first >> 6;
    if (prefix === 3) throw new TlsParseError('invalid variable-length integer prefix');
    let value = first & 0x3f;
    const extraBytes = (1 << prefix) - 1;
    for (let i = 0; i < extraBytes; i++) value = value * 256 + this.u8();
    return value;
  }

  private need(length: number): void {
    if (this.offset + length > this.bytes.length) throw new TlsParseError('truncated TLS structure');
  }
}

const MLS_VERSION_10 = 1;
const WIRE_FORMAT_PUBLIC = 1;
const WIRE_FORMAT_PRIVATE = 2;
const CONTENT_TYPE_COMMIT = 3;
const SENDER_MEMBER = 1;
const SENDER_EXTERNAL = 2;
const SENDER_NEW_MEMBER_PROPOSAL = 3;
const SENDER_NEW_MEMBER_COMMIT = 4;

export interface MlsMessageHeader {
  groupId: Buffer;
  epoch: bigint;
  isCommit: boolean;
}

/** Reads group id, epoch and commit flag from an MLSMessage carrying a Public- or PrivateMessage. */
export function parseMlsMessageHeader(bytes: Uint8Array): MlsMessageHeader {
  const reader = new TlsReader(bytes);
  if (reader.u16() !== MLS_VERSION_10) throw new TlsParseError('unsupported MLS protocol version');
  const wireFormat = reader.u16();
  if (wireFormat !== WIRE_FORMAT_PUBLIC && wireFormat !== WIRE_FORMAT_PRIVATE) {
    throw new TlsParseError(`wire format ${wireFormat} is not a group message`);
  }
  const groupId = Buffer.from(reader.opaque());
  if (groupId.length === 0) throw new TlsParseError('empty group id');
  const epoch = readU64(reader);
  if (wireFormat === WIRE_FORMAT_PUBLIC) {
    const senderType = reader.u8();
    if (senderType === SENDER_MEMBER || senderType === SENDER_EXTERNAL) reader.skip(4);
    else if (senderType !== SENDER_NEW_MEMBER_PROPOSAL && senderType !== SENDER_NEW_MEMBER_COMMIT) {
      throw new TlsParseError(`unknown sender type ${senderType}`);
    }
    reader.opaque(); // authenticated_data
  }
  const contentType = reader.u8();
  if (contentType < 1 || contentType > 3) throw new TlsParseError(`unknown content type ${contentType}`);
  return { groupId, epoch, isCommit: contentType === CONTENT_TYPE_COMMIT };
}

/** Returns `leaf_node.signature_key` of a bare KeyPackage: the installation's public key. */
export function parseKeyPackageInstallationKey(bytes: Uint8Array): Buffer {
  const reader = new TlsReader(bytes);
  if (reader.u16() !== MLS_VERSION_10) throw new TlsParseError('unsupported MLS protocol version');
  reader.u16(); // cipher_suite
  reader.opaque(); // init_key
  reader.opaque(); // leaf_node.encryption_key
  const signatureKey = Buffer.from(reader.opaque());
  if (signatureKey.length === 0) throw new TlsParseError('empty signature key');
  return signatureKey;
}

function readU64(reader: TlsReader): bigint {
  let value = 0n;
  for (let i = 0; i < 4; i++) value = (value << 16n) | BigInt(reader.u16());
  return value;
}
