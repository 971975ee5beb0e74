// The few protobuf wire-format pieces the identity-update count needs, encoded by hand rather than vendoring the
// XMTP protos: GetIdentityUpdatesRequest out, the per-inbox update count of GetIdentityUpdatesResponse in.

function varint(value: number): number[] {
  const bytes: number[] = [];
  while (value > 0x7f) {
    bytes.push((value & 0x7f) | 0x80);
    value >>>= 7;
  }
  bytes.push(value);
  return bytes;
}

/** GetIdentityUpdatesRequest { requests: [{ inbox_id, sequence_id: 0 }] } */
export function encodeIdentityUpdatesRequest(inboxId: string): Buffer {
  const id = Buffer.from(inboxId, 'utf8');
  const inner = Buffer.from([0x0a, ...varint(id.length), ...id]); // field 1: inbox_id (sequence_id 0 is the default)
  return Buffer.from([0x0a, ...varint(inner.length), ...inner]); // field 1: requests
}

interface Field {
  number: number;
  bytes?: Buffer;
}

function* fields(buffer: Buffer): Generator<Field> {
  let offset = 0;
  const readVarint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = buffer[offset++];
      if (byte === undefined) throw new Error('truncated protobuf varint');
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return result;
      shift += 7;
    }
  };
  while (offset < buffer.length) {
    const tag = readVarint();
    const number = Math.floor(tag / 8);
    switch (tag & 7) {
      case 0:
        readVarint();
        yield { number };
        break;
      case 1:
        offset += 8;
        yield { number };
        break;
      case 2: {
        const length = readVarint();
        const bytes = buffer.subarray(offset, offset + length);
        offset += length;
        yield { number, bytes };
        break;
      }
      case 5:
        offset += 4;
        yield { number };
        break;
      default:
        throw new Error(`unsupported protobuf wire type in tag ${tag}`);
    }
  }
}

/** Counts `updates` (field 2) in the response for `inboxId` (responses: field 1; inbox_id: field 1). */
export function countIdentityUpdates(response: Buffer, inboxId: string): number {
  for (const entry of fields(response)) {
    if (entry.number !== 1 || !entry.bytes) continue;
    let id: string | undefined;
    let updates = 0;
    for (const field of fields(entry.bytes)) {
      if (field.number === 1 && field.bytes) id = field.bytes.toString('utf8');
      else if (field.number === 2) updates++;
    }
    if (id === undefined || id === inboxId) return updates;
  }
  return 0;
}
