import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { FORWARDED_HEADER, type ForwardingSeal } from './forwarding-seal.js';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'proxy-connection',
  'proxy-authorization',
  'host',
  'content-length',
  FORWARDED_HEADER,
]);

/** The request line's target when it is origin-form (`/path?query`); undefined for absolute-, authority- or asterisk-form. */
export function originFormTarget(request: FastifyRequest): string | undefined {
  const target = request.raw.url ?? '';
  return target.startsWith('/') && !target.startsWith('//') ? target : undefined;
}

/** Refuses a request line that names a host (absolute- or authority-form) or `*`: this gateway is no proxy. */
export function refuseNonOriginForm(request: FastifyRequest): void {
  if (originFormTarget(request) === undefined) {
    throw new DomainError(
      ErrorCode.BadRequest,
      'The request target must be a path (origin-form), not an absolute URL, an authority or `*`.',
    );
  }
}

export interface ForwardOptions {
  /** The holder's internal URL: only its origin is used. */
  readonly owner: string;
  readonly seal: ForwardingSeal;
  /** How long to wait for the holder's answer to start. */
  readonly timeoutMs: number;
  /** A body already parsed and re-serialised (GraphQL); otherwise the raw request body is streamed through. */
  readonly body?: string;
  /** Told when the holder did not answer (so the caller stops believing it holds the identity). */
  readonly onUnreachable?: () => void;
}

/** Connection failures that prove the holder never saw the request (so it may be served elsewhere instead). */
const NEVER_DELIVERED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * `answered`: the holder's answer was relayed. `gone`: the holder refused the connection before anything was sent or
 * read (typically it just stopped and a cached lookup still named it), so the request is intact and may be served
 * by whoever holds the identity now. Anything else fails with a problem (503, or 504 on the timeout).
 */
export type ForwardOutcome = 'answered' | 'gone';

/**
 * Sends the request to the replica holding its identity and relays the answer, streaming both bodies. The target is
 * the holder's origin plus this request's path and query: nothing the client sends can choose the host.
 */
export async function forwardToHolder(
  request: FastifyRequest,
  reply: FastifyReply,
  options: ForwardOptions,
): Promise<ForwardOutcome> {
  const path = originFormTarget(request);
  if (path === undefined) refuseNonOriginForm(request);
  const origin = new URL(options.owner).origin;
  const target = new URL(`${origin}${path}`);
  if (target.origin !== origin)
    throw new DomainError(ErrorCode.BadRequest, 'The request target is not a path on this gateway.');

  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  }
  headers[FORWARDED_HEADER] = options.seal.seal(request.method, path!);
  headers['x-request-id'] = String(request.id);
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  let body: string | IncomingMessage | undefined;
  if (hasBody && options.body !== undefined) {
    body = options.body;
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
  } else if (hasBody) {
    body = request.raw;
    if (request.headers['content-length'] !== undefined) headers['content-length'] = request.headers['content-length'];
  }

  const exchange = send(target, request.method, headers, body, options.timeoutMs);
  let answer: IncomingMessage;
  try {
    answer = await exchange.answer;
  } catch (error) {
    options.onUnreachable?.();
    if (!exchange.timedOut() && !exchange.bodyTouched() && NEVER_DELIVERED.has((error as { code?: string }).code ?? ''))
      return 'gone';
    reply.header('retry-after', '1');
    if (exchange.timedOut()) {
      request.log.warn(
        { owner: origin, timeoutMs: options.timeoutMs },
        'the replica holding the identity did not answer in time',
      );
      throw new DomainError(
        ErrorCode.GatewayTimeout,
        'The replica serving this identity did not answer in time; retry shortly.',
      );
    }
    request.log.warn({ err: error, owner: origin }, 'the replica holding the identity did not answer');
    throw new DomainError(
      ErrorCode.ServiceUnavailable,
      'The replica serving this identity is unreachable; retry shortly.',
    );
  }
  reply.code(answer.statusCode ?? 502);
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) reply.header(name, value);
  }
  await reply.send(answer);
  return 'answered';
}

interface Exchange {
  /** The holder's answer, once its head arrived. */
  readonly answer: Promise<IncomingMessage>;
  timedOut(): boolean;
  /** Whether any of a streamed request body was read (it can then not be served elsewhere). */
  bodyTouched(): boolean;
}

/** One HTTP exchange with the holder; a streamed body is only read once the connection is up. */
function send(
  target: URL,
  method: string,
  headers: Record<string, string | string[]>,
  body: string | IncomingMessage | undefined,
  timeoutMs: number,
): Exchange {
  let timedOut = false;
  let touched = false;
  const answer = new Promise<IncomingMessage>((resolve, reject) => {
    const outgoing = (target.protocol === 'https:' ? https : http).request(target, { method, headers }, (response) => {
      clearTimeout(timer);
      resolve(response);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    outgoing.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    if (typeof body === 'string' || body === undefined) {
      outgoing.end(body);
      return;
    }
    const stream = body;
    const pipeBody = () => {
      touched = true;
      stream.pipe(outgoing);
    };
    outgoing.once('socket', (socket) => {
      if (socket.connecting) socket.once('connect', pipeBody);
      else pipeBody();
    });
  });
  return { answer, timedOut: () => timedOut, bodyTouched: () => touched };
}
