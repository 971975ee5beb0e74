// The history-sync HTTP service over real sockets: upload, download, limits, ids, expiry, both stores.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { DevnetLogger } from '../logger.js';
import { FileArchiveStore, MemoryArchiveStore, type ArchiveStore } from './archive-store.js';
import { startHistoryServer, type HistoryServer } from './history-server.js';

const DAY_MS = 24 * 3600 * 1000;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One HTTP request; `chunks` are written one by one (chunked transfer encoding unless a content-length is set). */
function send(
  port: number,
  method: string,
  urlPath: string,
  chunks: Buffer[] = [],
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: urlPath, headers }, (res) => {
      const body: Buffer[] = [];
      res.on('data', (chunk: Buffer) => body.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(body) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

/** Streams up to `totalBytes` as a client would, paced by backpressure, until the server answers. */
function sendPaced(port: number, totalBytes: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/upload' }, (res) => {
      answered = true;
      const body: Buffer[] = [];
      res.on('data', (chunk: Buffer) => body.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(body) }));
    });
    req.on('error', reject);
    const chunk = randomBytes(16 * 1024);
    let sent = 0;
    const pump = () => {
      while (!answered && sent < totalBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

const silent: DevnetLogger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };

describe.each([
  ['files under the data dir', 'file'],
  ['memory', 'memory'],
] as const)('history-sync server, archives in %s', (_label, kind) => {
  let dir: string;
  let clock: number;
  let store: ArchiveStore;
  let server: HistoryServer;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mailroom-history-'));
    clock = Date.now();
    const now = () => clock;
    store = kind === 'file' ? FileArchiveStore.open(dir, 7 * DAY_MS, now) : new MemoryArchiveStore(7 * DAY_MS, now);
    server = await startHistoryServer({ store, logger: silent, host: '127.0.0.1', port: 0, maxUploadBytes: 64 * 1024 });
  });

  afterEach(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const upload = async (chunks: Buffer[], headers: Record<string, string> = {}) => {
    const answer = await send(server.port, 'POST', '/upload', chunks, headers);
    expect(answer.status).toBe(200);
    return answer.body.toString('utf8');
  };

  it('answers an upload with the file id as plain text and serves the same bytes back', async () => {
    const archive = randomBytes(40_000);
    const uploaded = await send(server.port, 'POST', '/upload', [archive], {
      'content-length': String(archive.length),
    });
    expect(uploaded.status).toBe(200);
    // libxmtp uses the whole body as the id: no JSON, no newline.
    const id = uploaded.body.toString('utf8');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

    const downloaded = await send(server.port, 'GET', `/files/${id}`);
    expect(downloaded.status).toBe(200);
    expect(downloaded.headers['content-type']).toBe('application/octet-stream');
    expect(downloaded.headers['content-length']).toBe(String(archive.length));
    expect(downloaded.body.equals(archive)).toBe(true);
  });

  it('takes a streamed (chunked) upload, as libxmtp sends it, and keeps uploads apart', async () => {
    const parts = [randomBytes(10_000), randomBytes(10_000), randomBytes(5)];
    const first = await upload(parts);
    const second = await upload([Buffer.from('another archive')]);
    expect(second).not.toBe(first);
    expect((await send(server.port, 'GET', `/files/${first}`)).body.equals(Buffer.concat(parts))).toBe(true);
    expect((await send(server.port, 'GET', `/files/${second}`)).body.toString()).toBe('another archive');
    const head = await send(server.port, 'HEAD', `/files/${first}`);
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('20005');
    expect(head.body.length).toBe(0);
  });

  it('accepts an upload of exactly the limit and an empty one', async () => {
    const exact = randomBytes(64 * 1024);
    const id = await upload([exact]);
    expect((await send(server.port, 'GET', `/files/${id}`)).body.equals(exact)).toBe(true);
    const empty = await upload([]);
    const download = await send(server.port, 'GET', `/files/${empty}`);
    expect(download.status).toBe(200);
    expect(download.body.length).toBe(0);
  });

  it('refuses an upload over the limit with 413, declared or streamed, and keeps nothing of it', async () => {
    const declared = await send(server.port, 'POST', '/upload', [], { 'content-length': String(64 * 1024 + 1) });
    expect(declared.status).toBe(413);

    const streamed = await send(server.port, 'POST', '/upload', [randomBytes(40_000), randomBytes(40_000)]);
    expect(streamed.status).toBe(413);
    expect(streamed.body.toString()).toContain(String(64 * 1024));

    if (kind === 'file') expect(await readdir(dir)).toEqual([]);
    // The server still works afterwards.
    const id = await upload([Buffer.from('fine')]);
    expect((await send(server.port, 'GET', `/files/${id}`)).status).toBe(200);
  });

  it('answers 413 to a client still streaming far past the limit (no reset before the answer)', async () => {
    const answer = await sendPaced(server.port, 256 * 1024 * 1024); // against a 64 KiB limit
    expect(answer.status).toBe(413);
    expect(answer.headers.connection).toBe('close');
    if (kind === 'file') expect(await readdir(dir)).toEqual([]);
  });

  it('keeps nothing of an upload the client abandons halfway', async () => {
    await new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port: server.port, method: 'POST', path: '/upload' });
      req.on('error', () => resolve());
      req.write(randomBytes(20_000), () => setTimeout(() => req.destroy(), 50));
    });
    if (kind === 'file') {
      for (let i = 0; i < 100 && (await readdir(dir)).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await readdir(dir)).toEqual([]);
    }
    const id = await upload([Buffer.from('after an abandoned upload')]);
    expect((await send(server.port, 'GET', `/files/${id}`)).body.toString()).toBe('after an abandoned upload');
  });

  it('answers 400 for a malformed id (no path traversal) and 404 for an unknown one', async () => {
    if (kind === 'file') await writeFile(path.join(dir, 'secret'), 'not an archive');
    for (const bad of ['secret', '..%2Fsecret', '..%2F..%2Fetc%2Fpasswd', 'abc', '%E0%A4%A', `${randomUUID()}.part`]) {
      const answer = await send(server.port, 'GET', `/files/${bad}`);
      expect({ bad, status: answer.status }).toEqual({ bad, status: 400 });
    }
    // `..` segments are resolved before routing: this is /secret, which is no route at all.
    expect((await send(server.port, 'GET', '/files/../secret')).status).toBe(404);
    expect((await send(server.port, 'GET', `/files/${randomUUID()}`)).status).toBe(404);
    expect((await send(server.port, 'GET', '/files/')).status).toBe(400);
  });

  it('answers wrong methods with 405, other paths with 404, preflights with CORS headers, / as a health check', async () => {
    const wrong = await send(server.port, 'GET', '/upload');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('POST, OPTIONS');
    expect((await send(server.port, 'POST', `/files/${randomUUID()}`, [Buffer.from('x')])).status).toBe(405);
    expect((await send(server.port, 'GET', '/nowhere')).status).toBe(404);
    const preflight = await send(server.port, 'OPTIONS', '/upload', [], { origin: 'http://localhost:3000' });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(preflight.headers['access-control-allow-methods']).toContain('POST');
    expect((await send(server.port, 'GET', '/')).status).toBe(200);
  });

  it('deletes an archive once the retention has passed, on download and on a sweep', async () => {
    const readLate = await upload([Buffer.from('read after expiry')]);
    const sweptLate = await upload([Buffer.from('swept after expiry')]);
    clock += 6 * DAY_MS;
    expect((await send(server.port, 'GET', `/files/${readLate}`)).status).toBe(200);
    expect(await store.sweep()).toBe(0);
    // File ages come from mtimes the real clock wrote; move the injected clock past the retention.
    clock += 2 * DAY_MS;
    expect((await send(server.port, 'GET', `/files/${readLate}`)).status).toBe(404);
    expect(await store.sweep()).toBe(1);
    expect((await send(server.port, 'GET', `/files/${sweptLate}`)).status).toBe(404);
    if (kind === 'file') expect(await readdir(dir)).toEqual([]);
  });
});

describe('FileArchiveStore', () => {
  it('drops the partial file of an upload a crash interrupted when it opens', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mailroom-history-'));
    try {
      const kept = randomUUID();
      await writeFile(path.join(dir, kept), 'complete');
      await writeFile(path.join(dir, `${randomUUID()}.part`), 'torn');
      const store = FileArchiveStore.open(dir, DAY_MS);
      expect(await readdir(dir)).toEqual([kept]);
      const opened = await store.open(kept);
      expect(opened?.size).toBe(8);
      opened?.body.destroy();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
