// The history-sync HTTP service libxmtp's device sync talks to (XMTP runs it beside the node, port 5558 on `local`).
// libxmtp (node-bindings 1.9 and 1.10 alike) POSTs an encrypted archive as the raw request body to `<url>/upload`,
// reads the response body as text and uses it verbatim as the file id, then publishes `<url>/files/<id>` in the sync
// group; the other installation GETs that URL and streams the body into its importer.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import type { DevnetLogger } from '../logger.js';
import { isArchiveId, UploadTooLargeError, type ArchiveStore } from './archive-store.js';

export const DEFAULT_HISTORY_MAX_UPLOAD_BYTES = 100 * 1024 * 1024;
/** XMTP's history server deletes archives a week after upload. */
export const DEFAULT_HISTORY_RETENTION_MS = 7 * 24 * 3600 * 1000;
const SWEEP_INTERVAL_MS = 3600 * 1000;
/** How long the rest of a refused upload is read and dropped, so the client reads the 413 instead of a reset. */
const REFUSED_UPLOAD_DRAIN_MS = 2000;

export interface HistoryServerOptions {
  store: ArchiveStore;
  logger: DevnetLogger;
  host: string;
  /** 0 picks a free port. */
  port: number;
  maxUploadBytes?: number;
}

export interface HistoryServer {
  port: number;
  stop(): Promise<void>;
}

const FILE_PATH = /^\/files\/([^/]*)$/;

// Browser SDKs call the history server cross-origin, and XMTP's allows any origin; so does this one.
const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, HEAD, POST, OPTIONS',
  'access-control-allow-headers': '*',
  'access-control-max-age': '3600',
};

export async function startHistoryServer(options: HistoryServerOptions): Promise<HistoryServer> {
  const { store, logger } = options;
  const maxUploadBytes = options.maxUploadBytes ?? DEFAULT_HISTORY_MAX_UPLOAD_BYTES;
  const inFlight = new Set<Promise<unknown>>();

  const server = createServer((request, response) => {
    const handled = route(request, response).catch((error: unknown) => {
      logger.error(
        `history ${request.method} ${request.url} INTERNAL: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      if (!response.headersSent) reply(response, 500, 'internal devnet error');
      else response.destroy();
    });
    inFlight.add(handled);
    void handled.finally(() => inFlight.delete(handled));
  });

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const pathname = new URL(request.url ?? '/', 'http://devnet').pathname;
    const method = request.method ?? 'GET';
    if (method === 'OPTIONS') return reply(response, 204);
    if (pathname === '/') {
      if (allowed(response, method, ['GET', 'HEAD'])) reply(response, 200, 'ok');
      return;
    }
    if (pathname === '/upload') {
      if (allowed(response, method, ['POST'])) await upload(request, response);
      return;
    }
    const file = FILE_PATH.exec(pathname);
    if (file) {
      if (allowed(response, method, ['GET', 'HEAD'])) await download(file[1]!, method, response);
      return;
    }
    reply(response, 404, 'not found');
  }

  async function upload(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxUploadBytes) return refuseTooLarge(request, response);
    // Through a PassThrough, so a refusal ends the store's stream and leaves the request open for the answer.
    const body = new PassThrough();
    request.pipe(body);
    request.once('aborted', () => body.destroy(new Error('upload aborted')));
    let stored;
    try {
      stored = await store.put(body, maxUploadBytes);
    } catch (error) {
      request.unpipe(body);
      if (error instanceof UploadTooLargeError) return refuseTooLarge(request, response);
      if (
        request.destroyed ||
        request.aborted ||
        (error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE'
      ) {
        logger.warn('history upload aborted by the client; nothing stored');
        return;
      }
      throw error;
    }
    logger.info(`history upload ${stored.id} (${stored.size} bytes)`);
    reply(response, 200, stored.id);
  }

  function refuseTooLarge(request: IncomingMessage, response: ServerResponse): void {
    logger.warn(`history upload refused: over ${maxUploadBytes} bytes`);
    const message = `upload exceeds ${maxUploadBytes} bytes`;
    response.writeHead(413, {
      ...CORS_HEADERS,
      'content-type': 'text/plain; charset=utf-8',
      'content-length': String(Buffer.byteLength(message)),
      // The rest of the body is never parsed as a next request.
      connection: 'close',
    });
    response.write(message);
    // Closing at once would reset the connection under a client still sending, which then may never read the answer:
    // drop what it sends for a moment first, then close.
    const close = () => {
      clearTimeout(timer);
      if (!response.writableEnded) response.end();
    };
    const timer = setTimeout(close, REFUSED_UPLOAD_DRAIN_MS);
    request.once('end', close);
    request.once('close', close);
    request.resume();
  }

  async function download(rawId: string, method: string, response: ServerResponse): Promise<void> {
    let id: string;
    try {
      id = decodeURIComponent(rawId).toLowerCase();
    } catch {
      id = '';
    }
    if (!isArchiveId(id)) {
      logger.warn(`history download refused: malformed id ${JSON.stringify(rawId.slice(0, 80))}`);
      return reply(response, 400, 'malformed file id');
    }
    const archive = await store.open(id);
    if (!archive) {
      logger.debug(`history download ${id}: not found`);
      return reply(response, 404, 'file not found');
    }
    response.writeHead(200, {
      ...CORS_HEADERS,
      'content-type': 'application/octet-stream',
      'content-length': String(archive.size),
    });
    if (method === 'HEAD') {
      archive.body.destroy();
      response.end();
      return;
    }
    archive.body.on('error', (error) => {
      logger.error(`history download ${id} failed mid-stream: ${error.message}`);
      response.destroy();
    });
    archive.body.pipe(response);
    logger.info(`history download ${id} (${archive.size} bytes)`);
  }

  const boundPort = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  });

  const sweep = () =>
    store.sweep().then(
      (removed) => removed > 0 && logger.info(`history: deleted ${removed} expired archive(s)`),
      (error: unknown) => logger.warn(`history sweep failed: ${String(error)}`),
    );
  void sweep();
  const sweeper = setInterval(sweep, SWEEP_INTERVAL_MS);
  sweeper.unref();

  let stopping: Promise<void> | undefined;
  return {
    port: boundPort,
    stop: () =>
      (stopping ??= (async () => {
        clearInterval(sweeper);
        const closed = closeServer(server);
        server.closeAllConnections();
        await closed;
        await Promise.allSettled([...inFlight]);
      })()),
  };
}

function allowed(response: ServerResponse, method: string, methods: string[]): boolean {
  if (methods.includes(method)) return true;
  response.setHeader('allow', [...methods, 'OPTIONS'].join(', '));
  reply(response, 405, 'method not allowed');
  return false;
}

function reply(response: ServerResponse, statusCode: number, body?: string): void {
  response.writeHead(statusCode, {
    ...CORS_HEADERS,
    ...(body === undefined ? {} : { 'content-type': 'text/plain; charset=utf-8' }),
  });
  response.end(body);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
