// XMTP's attachment content (`xmtp.org/attachment:1.0`) is a protobuf `EncodedContent`: the content type id, the
// parameters `filename` and `mimeType`, and the file bytes as field 4. A remote attachment encrypts that whole
// envelope, so Mailroom writes its fields by hand: the envelope header first, then the file streamed behind it.
import { open } from 'node:fs/promises';

const ATTACHMENT_TYPE = { authorityId: 'xmtp.org', typeId: 'attachment', versionMajor: 1, versionMinor: 0 } as const;

const enum WireType {
  Varint = 0,
  Fixed64 = 1,
  LengthDelimited = 2,
  Fixed32 = 5,
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

const tag = (field: number, wire: WireType) => varint(field * 8 + wire);
const bytesField = (field: number, value: Buffer) =>
  Buffer.concat([tag(field, WireType.LengthDelimited), varint(value.length), value]);
const stringField = (field: number, value: string) => bytesField(field, Buffer.from(value, 'utf8'));
const varintField = (field: number, value: number) => Buffer.concat([tag(field, WireType.Varint), varint(value)]);

export interface AttachmentMetadata {
  readonly filename: string;
  readonly mimeType: string;
}

/**
 * Everything of the encoded attachment that precedes the file bytes, for a file of `size` bytes. The complete
 * plaintext is `header + file`; its length is `header.length + size`.
 */
export function encodedAttachmentHeader(metadata: AttachmentMetadata, size: number): Buffer {
  const type = Buffer.concat([
    stringField(1, ATTACHMENT_TYPE.authorityId),
    stringField(2, ATTACHMENT_TYPE.typeId),
    varintField(3, ATTACHMENT_TYPE.versionMajor),
    ...(ATTACHMENT_TYPE.versionMinor ? [varintField(4, ATTACHMENT_TYPE.versionMinor)] : []),
  ]);
  const parameter = (key: string, value: string) =>
    bytesField(2, Buffer.concat([stringField(1, key), stringField(2, value)]));
  return Buffer.concat([
    bytesField(1, type),
    parameter('filename', metadata.filename),
    parameter('mimeType', metadata.mimeType),
    tag(4, WireType.LengthDelimited),
    varint(size),
  ]);
}

export type ContentCompression = 'deflate' | 'gzip';

/** Where the file bytes sit inside a decrypted encoded attachment, and what the envelope says about them. */
export interface EncodedAttachmentLayout {
  readonly filename: string | null;
  readonly mimeType: string | null;
  readonly contentOffset: number;
  readonly contentLength: number;
  readonly compression: ContentCompression | null;
}

export class EncodedAttachmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EncodedAttachmentError';
  }
}

/** Envelope fields other than the content are small; anything larger is not an attachment envelope. */
const MAX_SMALL_FIELD_BYTES = 64 * 1024;

/** A cursor over a file that reads protobuf fields without loading the content field. */
class FileReader {
  private buffer = Buffer.alloc(0);
  private bufferStart = 0;

  constructor(
    private readonly handle: Awaited<ReturnType<typeof open>>,
    readonly size: number,
    public position = 0,
  ) {}

  private async ensure(length: number): Promise<void> {
    const offset = this.position - this.bufferStart;
    if (offset >= 0 && offset + length <= this.buffer.length) return;
    const wanted = Math.max(length, 4096);
    const chunk = Buffer.alloc(Math.min(wanted, this.size - this.position));
    const { bytesRead } = await this.handle.read(chunk, 0, chunk.length, this.position);
    if (bytesRead < length) throw new EncodedAttachmentError('truncated encoded content');
    this.buffer = chunk.subarray(0, bytesRead);
    this.bufferStart = this.position;
  }

  async byte(): Promise<number> {
    await this.ensure(1);
    const value = this.buffer[this.position - this.bufferStart]!;
    this.position += 1;
    return value;
  }

  async varint(): Promise<number> {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = await this.byte();
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (!Number.isSafeInteger(value)) throw new EncodedAttachmentError('varint out of range');
        return value;
      }
      scale *= 0x80;
    }
    throw new EncodedAttachmentError('malformed varint');
  }

  async bytes(length: number): Promise<Buffer> {
    if (length > MAX_SMALL_FIELD_BYTES) throw new EncodedAttachmentError('envelope field too large');
    await this.ensure(length);
    const start = this.position - this.bufferStart;
    this.position += length;
    return Buffer.from(this.buffer.subarray(start, start + length));
  }

  skip(length: number): void {
    if (this.position + length > this.size) throw new EncodedAttachmentError('truncated encoded content');
    this.position += length;
  }
}

/** Fields of a small protobuf message held in memory: field number → raw values (varint as number, else bytes). */
function parseSmallMessage(bytes: Buffer): Map<number, (number | Buffer)[]> {
  const fields = new Map<number, (number | Buffer)[]>();
  let position = 0;
  const readVarint = () => {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (position >= bytes.length) throw new EncodedAttachmentError('truncated field');
      const b = bytes[position++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 0x80;
    }
    throw new EncodedAttachmentError('malformed varint');
  };
  while (position < bytes.length) {
    const key = readVarint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    let value: number | Buffer;
    if (wire === WireType.Varint) value = readVarint();
    else if (wire === WireType.LengthDelimited) {
      const length = readVarint();
      if (position + length > bytes.length) throw new EncodedAttachmentError('truncated field');
      value = bytes.subarray(position, position + length);
      position += length;
    } else if (wire === WireType.Fixed64) {
      value = bytes.subarray(position, (position += 8));
    } else if (wire === WireType.Fixed32) {
      value = bytes.subarray(position, (position += 4));
    } else throw new EncodedAttachmentError(`unsupported wire type ${wire}`);
    fields.set(field, [...(fields.get(field) ?? []), value]);
  }
  return fields;
}

const text = (value: number | Buffer | undefined) => (Buffer.isBuffer(value) ? value.toString('utf8') : undefined);

/**
 * Reads the envelope of a decrypted encoded attachment stored in a file: checks it is `xmtp.org/attachment`, and
 * returns its filename, MIME type and where the file bytes are, without reading them.
 */
export async function readEncodedAttachmentLayout(path: string): Promise<EncodedAttachmentLayout> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const reader = new FileReader(handle, size);
    let typeId: string | undefined;
    let authorityId: string | undefined;
    const parameters = new Map<string, string>();
    let content: { offset: number; length: number } | undefined;
    let compression: ContentCompression | null = null;
    while (reader.position < size) {
      const key = await reader.varint();
      const field = Math.floor(key / 8);
      const wire = key % 8;
      if (wire === WireType.Varint) {
        const value = await reader.varint();
        if (field === 5) compression = value === 0 ? 'deflate' : value === 1 ? 'gzip' : null;
        continue;
      }
      if (wire === WireType.Fixed64 || wire === WireType.Fixed32) {
        reader.skip(wire === WireType.Fixed64 ? 8 : 4);
        continue;
      }
      if (wire !== WireType.LengthDelimited) throw new EncodedAttachmentError(`unsupported wire type ${wire}`);
      const length = await reader.varint();
      if (field === 4) {
        content = { offset: reader.position, length };
        reader.skip(length);
      } else if (field === 1) {
        const type = parseSmallMessage(await reader.bytes(length));
        authorityId = text(type.get(1)?.[0]);
        typeId = text(type.get(2)?.[0]);
      } else if (field === 2) {
        const entry = parseSmallMessage(await reader.bytes(length));
        const name = text(entry.get(1)?.[0]);
        if (name !== undefined) parameters.set(name, text(entry.get(2)?.[0]) ?? '');
      } else {
        reader.skip(length);
      }
    }
    if (authorityId !== ATTACHMENT_TYPE.authorityId || typeId !== ATTACHMENT_TYPE.typeId) {
      throw new EncodedAttachmentError(
        `the decrypted content is ${authorityId ?? '?'}/${typeId ?? '?'}, not an attachment`,
      );
    }
    return {
      filename: parameters.get('filename') || null,
      mimeType: parameters.get('mimeType') || null,
      contentOffset: content?.offset ?? 0,
      contentLength: content?.length ?? 0,
      compression,
    };
  } finally {
    await handle.close();
  }
}
