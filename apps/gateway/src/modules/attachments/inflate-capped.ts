import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createInflate } from 'node:zlib';

/** The inflated content is larger than the size limit: a few compressed bytes can stand for gigabytes. */
export class InflatedTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the attachment inflates to more than ${maxBytes} bytes`);
    this.name = 'InflatedTooLargeError';
  }
}

function byteLimit(maxBytes: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > maxBytes) done(new InflatedTooLargeError(maxBytes));
      else done(null, chunk);
    },
  });
}

/**
 * Inflates compressed attachment content into `file` under the same size limit as raw content, before anything is
 * answered; resolves with a stream of the file and its size.
 */
export async function inflateCapped(
  compressed: Readable,
  compression: 'gzip' | 'deflate',
  file: string,
  maxBytes: number,
): Promise<{ stream: Readable; size: number }> {
  await pipeline(
    compressed,
    compression === 'gzip' ? createGunzip() : createInflate(),
    byteLimit(maxBytes),
    createWriteStream(file),
  );
  return { stream: createReadStream(file), size: (await stat(file)).size };
}
