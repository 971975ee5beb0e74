// @xmtp/node-sdk 5.5.0 cannot count an inbox's identity updates (the inbox log the network caps at 256 entries), so
// this asks the node's IdentityApi.GetIdentityUpdates from sequence 0 and counts the entries. The two messages
// involved are small enough to encode by hand rather than vendoring the XMTP protos into this library.
import { Client as GrpcClient, credentials } from '@grpc/grpc-js';

export const IDENTITY_UPDATES_LIMIT = 256;
const METHOD = '/xmtp.identity.api.v1.IdentityApi/GetIdentityUpdates';

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
function encodeRequest(inboxId: string): Buffer {
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
function countUpdates(response: Buffer, inboxId: string): number {
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

/** The number of identity updates in an inbox's log on the node at `apiUrl` (http:// plaintext, https:// TLS). */
export async function fetchIdentityUpdateCount(apiUrl: string, inboxId: string, timeoutMs = 10_000): Promise<number> {
  const url = new URL(apiUrl);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const channel = url.protocol === 'https:' ? credentials.createSsl() : credentials.createInsecure();
  const client = new GrpcClient(`${url.hostname}:${port}`, channel, { 'grpc.max_receive_message_length': 50 * 2 ** 20 });
  try {
    const response = await new Promise<Buffer>((resolve, reject) =>
      client.makeUnaryRequest(
        METHOD,
        (request: Buffer) => request,
        (bytes: Buffer) => bytes,
        encodeRequest(inboxId),
        { deadline: Date.now() + timeoutMs },
        (error, value) => (error ? reject(error) : resolve(value!)),
      ),
    );
    return countUpdates(response, inboxId);
  } finally {
    client.close();
  }
}
