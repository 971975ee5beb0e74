import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync, deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from '@jest/globals';
import { InflatedTooLargeError, inflateCapped } from './inflate-capped.js';

const dirs: string[] = [];
const spoolFile = async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'inflate-'));
  dirs.push(dir);
  return path.join(dir, 'inflated');
};

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('inflateCapped', () => {
  it('refuses content that inflates past the limit, however small it is compressed', async () => {
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(64 * 1024);
    await expect(inflateCapped(Readable.from([bomb]), 'gzip', await spoolFile(), 1024 * 1024)).rejects.toBeInstanceOf(
      InflatedTooLargeError,
    );
  });

  it('inflates content within the limit and reports its real size', async () => {
    const content = Buffer.from('hello attachment '.repeat(1000));
    const { stream, size } = await inflateCapped(
      Readable.from([deflateSync(content)]),
      'deflate',
      await spoolFile(),
      content.length,
    );
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(size).toBe(content.length);
    expect(Buffer.concat(chunks).equals(content)).toBe(true);
  });
});
