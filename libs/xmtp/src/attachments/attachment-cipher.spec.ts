import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createReadStream, createWriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { decryptAttachment, encryptAttachment } from '@xmtp/node-sdk';
import { AttachmentDecryptor, AttachmentEncryptor, AttachmentIntegrityError } from './attachment-cipher.js';
import { readEncodedAttachmentLayout } from './encoded-attachment.js';

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function chunked(bytes: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return Readable.from(parts);
}

async function encrypt(file: Buffer, filename: string, mimeType: string) {
  const encryptor = new AttachmentEncryptor({ filename, mimeType }, file.length);
  const ciphertext = await collect(chunked(file, 7919).pipe(encryptor));
  return { ciphertext, sealed: encryptor.sealed(), declared: encryptor.ciphertextLength };
}

describe('AttachmentEncryptor / AttachmentDecryptor (XMTP remote attachment scheme)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'att-cipher-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([0, 1, 15, 16, 17, 300_000])('streams ciphertext that the SDK decrypts (%i bytes)', async (size) => {
    const file = randomBytes(size);
    const { ciphertext, sealed, declared } = await encrypt(file, 'report ü.pdf', 'application/pdf');
    expect(ciphertext.length).toBe(declared);
    expect(sealed.contentLength).toBe(ciphertext.length);
    const attachment = decryptAttachment(ciphertext, {
      url: 'https://x.test/a',
      scheme: 'https://',
      filename: 'report ü.pdf',
      ...sealed,
    });
    expect(attachment.filename).toBe('report ü.pdf');
    expect(attachment.mimeType).toBe('application/pdf');
    expect(Buffer.from(attachment.content).equals(file)).toBe(true);
  });

  it('decrypts what the SDK encrypted, and finds the file inside the envelope', async () => {
    const file = randomBytes(123_457);
    const encrypted = encryptAttachment({ filename: 'photo.jpg', mimeType: 'image/jpeg', content: file });
    const plainPath = path.join(dir, 'sdk.plain');
    await pipeline(
      chunked(Buffer.from(encrypted.payload), 1000),
      new AttachmentDecryptor({ ...encrypted, contentLength: encrypted.payload.length }),
      createWriteStream(plainPath),
    );
    const layout = await readEncodedAttachmentLayout(plainPath);
    expect(layout).toMatchObject({
      filename: 'photo.jpg',
      mimeType: 'image/jpeg',
      contentLength: file.length,
      compression: null,
    });
    const inside = await collect(
      createReadStream(plainPath, {
        start: layout.contentOffset,
        end: layout.contentOffset + layout.contentLength - 1,
      }),
    );
    expect(inside.equals(file)).toBe(true);
  });

  it('reports a digest mismatch when one ciphertext byte changed', async () => {
    const { ciphertext, sealed } = await encrypt(randomBytes(5000), 'a.bin', 'application/octet-stream');
    ciphertext[100] ^= 1;
    const failure = await collect(chunked(ciphertext, 512).pipe(new AttachmentDecryptor(sealed))).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(AttachmentIntegrityError);
    expect((failure as AttachmentIntegrityError).reason).toBe('digest_mismatch');
  });

  it('reports an authentication failure when the digest matches but the key is wrong', async () => {
    const { ciphertext, sealed } = await encrypt(randomBytes(5000), 'a.bin', 'application/octet-stream');
    const wrong = { ...sealed, secret: randomBytes(32) };
    const failure = await collect(Readable.from([ciphertext]).pipe(new AttachmentDecryptor(wrong))).catch(
      (e: unknown) => e,
    );
    expect((failure as AttachmentIntegrityError).reason).toBe('authentication_failed');
  });

  it('stops at the size cap', async () => {
    const { ciphertext, sealed } = await encrypt(randomBytes(5000), 'a.bin', 'application/octet-stream');
    const failure = await collect(
      chunked(ciphertext, 512).pipe(new AttachmentDecryptor({ ...sealed, maxBytes: 1024 })),
    ).catch((e: unknown) => e);
    expect((failure as AttachmentIntegrityError).reason).toBe('too_large');
  });

  it('refuses input that is not the declared size', async () => {
    const encryptor = new AttachmentEncryptor({ filename: 'a', mimeType: 'text/plain' }, 10);
    await expect(collect(Readable.from([Buffer.alloc(9)]).pipe(encryptor))).rejects.toThrow(
      'after 9 of the declared 10',
    );
  });

  it('refuses a decrypted envelope of another content type', async () => {
    const p = path.join(dir, 'text.plain');
    // EncodedContent { type: xmtp.org/text:1.0, content: "hi" }
    const type = Buffer.concat([
      Buffer.from([0x0a, 8]),
      Buffer.from('xmtp.org'),
      Buffer.from([0x12, 4]),
      Buffer.from('text'),
      Buffer.from([0x18, 1]),
    ]);
    await writeFile(
      p,
      Buffer.concat([Buffer.from([0x0a, type.length]), type, Buffer.from([0x22, 2]), Buffer.from('hi')]),
    );
    await expect(readEncodedAttachmentLayout(p)).rejects.toThrow('not an attachment');
  });
});
