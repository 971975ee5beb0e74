// Where uploaded device-sync archives live: files under the devnet data dir, or memory when the devnet has none.
// Archives are opaque to the devnet (libxmtp encrypts them with a key it sends through the sync group, never here).
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** A canonical UUID, the only id shape the store hands out (so an id can never name another path). */
const ARCHIVE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PARTIAL_SUFFIX = '.part';

export function isArchiveId(value: string): boolean {
  return ARCHIVE_ID.test(value);
}

export class UploadTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`upload exceeds ${limitBytes} bytes`);
    this.name = 'UploadTooLargeError';
  }
}

export interface StoredArchive {
  id: string;
  size: number;
}

export interface OpenedArchive {
  size: number;
  body: Readable;
}

export interface ArchiveStore {
  readonly persistent: boolean;
  /** Streams `body` into a new archive; rejects with UploadTooLargeError (and keeps nothing) past `maxBytes`. */
  put(body: Readable, maxBytes: number): Promise<StoredArchive>;
  /** The archive, or undefined when unknown or older than the retention (an expired one is deleted). */
  open(id: string): Promise<OpenedArchive | undefined>;
  /** Deletes archives older than the retention; returns how many. */
  sweep(): Promise<number>;
}

/** Fails the stream once more than `maxBytes` passed through. */
function byteLimit(maxBytes: number): Transform & { bytes: number } {
  let bytes = 0;
  const limiter = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      bytes += chunk.length;
      if (bytes > maxBytes) callback(new UploadTooLargeError(maxBytes));
      else callback(null, chunk);
    },
  });
  return Object.defineProperty(limiter, 'bytes', { get: () => bytes }) as Transform & { bytes: number };
}

/**
 * One file per archive, named by its id, in `dir`. An upload is written to `<id>.part` and renamed when complete,
 * so a crash mid-upload leaves no archive behind (leftover parts are removed on open). Age is the file's mtime.
 */
export class FileArchiveStore implements ArchiveStore {
  readonly persistent = true;

  private constructor(
    private readonly dir: string,
    private readonly retentionMs: number,
    private readonly now: () => number,
  ) {}

  static open(dir: string, retentionMs: number, now: () => number = Date.now): FileArchiveStore {
    mkdirSync(dir, { recursive: true });
    for (const name of readdirSync(dir)) {
      if (name.endsWith(PARTIAL_SUFFIX)) rmSync(path.join(dir, name), { force: true });
    }
    return new FileArchiveStore(dir, retentionMs, now);
  }

  async put(body: Readable, maxBytes: number): Promise<StoredArchive> {
    const id = randomUUID();
    const partial = path.join(this.dir, `${id}${PARTIAL_SUFFIX}`);
    const limiter = byteLimit(maxBytes);
    try {
      await pipeline(body, limiter, createWriteStream(partial, { flags: 'wx' }));
      await rename(partial, path.join(this.dir, id));
    } catch (error) {
      await unlink(partial).catch(() => undefined);
      throw error;
    }
    return { id, size: limiter.bytes };
  }

  async open(id: string): Promise<OpenedArchive | undefined> {
    if (!isArchiveId(id)) return undefined;
    const file = path.join(this.dir, id);
    let size: number;
    try {
      const info = await stat(file);
      if (this.expired(info.mtimeMs)) {
        await unlink(file).catch(() => undefined);
        return undefined;
      }
      size = info.size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return { size, body: createReadStream(file) };
  }

  async sweep(): Promise<number> {
    let removed = 0;
    for (const name of readdirSync(this.dir)) {
      if (!isArchiveId(name)) continue;
      const file = path.join(this.dir, name);
      const info = await stat(file).catch(() => undefined);
      if (info && this.expired(info.mtimeMs)) {
        await unlink(file).catch(() => undefined);
        removed++;
      }
    }
    return removed;
  }

  private expired(storedAtMs: number): boolean {
    return this.now() - storedAtMs > this.retentionMs;
  }
}

/** Archives in memory, for a devnet without a data dir: gone on stop, like the rest of its state. */
export class MemoryArchiveStore implements ArchiveStore {
  readonly persistent = false;
  private readonly archives = new Map<string, { bytes: Buffer; storedAt: number }>();

  constructor(
    private readonly retentionMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async put(body: Readable, maxBytes: number): Promise<StoredArchive> {
    const chunks: Buffer[] = [];
    const limiter = byteLimit(maxBytes);
    await pipeline(body, limiter, async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) chunks.push(chunk);
    });
    const id = randomUUID();
    const bytes = Buffer.concat(chunks);
    this.archives.set(id, { bytes, storedAt: this.now() });
    return { id, size: bytes.length };
  }

  async open(id: string): Promise<OpenedArchive | undefined> {
    const archive = this.archives.get(id);
    if (!archive) return undefined;
    if (this.now() - archive.storedAt > this.retentionMs) {
      this.archives.delete(id);
      return undefined;
    }
    return { size: archive.bytes.length, body: Readable.from([archive.bytes]) };
  }

  async sweep(): Promise<number> {
    let removed = 0;
    for (const [id, archive] of this.archives) {
      if (this.now() - archive.storedAt > this.retentionMs) {
        this.archives.delete(id);
        removed++;
      }
    }
    return removed;
  }
}
