import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
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
    throw new DomainError(ErrorCode.BadRequest, 'The request target must be a path (origin-form), not an absolute URL, an authority or `*`.');
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

/**
 * Sends the request to the replica holding its identity and relays the answer, streaming both bodies. The target is
 * the holder's origin plus this request's path and query: nothing the client sends can choose the host.
 */
export async function forwardToHolder(request: FastifyRequest, reply: FastifyReply, options: ForwardOptions): Promise<void> {
  const path = originFormTarget(request);
  if (path === undefined) refuseNonOriginForm(request);
  const origin = new URL(options.owner).origin;
  const target = new URL(`${origin}${path}`);
  if (target.origin !== origin) throw new DomainError(ErrorCode.BadRequest, 'The request target is not a path on this gateway.');

  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  headers.set(FORWARDED_HEADER, options.seal.seal(request.method, path!));
  headers.set('x-request-id', String(request.id));
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  if (options.body !== undefined) headers.set('content-type', 'application/json');

  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), options.timeoutMs);
  let answer: Response;
  try {
    answer = await fetch(target, {
      method: request.method,
      headers,
      body: hasBody ? (options.body ?? (Readable.toWeb(request.raw) as unknown as NonNullable<RequestInit['body']>)) : undefined,
      redirect: 'manual',
      signal: abort.signal,
      ...(hasBody && options.body === undefined ? { duplex: 'half' } : {}),
    } as RequestInit);
  } catch (error) {
    options.onUnreachable?.();
    reply.header('retry-after', '1');
    if (abort.signal.aborted) {
      request.log.warn({ owner: origin, timeoutMs: options.timeoutMs }, 'the replica holding the identity did not answer in time');
      throw new DomainError(ErrorCode.GatewayTimeout, 'The replica serving this identity did not answer in time; retry shortly.');
    }
    request.log.warn({ err: error, owner: origin }, 'the replica holding the identity did not answer');
    throw new DomainError(ErrorCode.ServiceUnavailable, 'The replica serving this identity is unreachable; retry shortly.');
  } finally {
    clearTimeout(timer);
  }
  reply.code(answer.status);
  answer.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name)) reply.header(name, value);
  });
  await reply.send(answer.body ? Readable.fromWeb(answer.body as unknown as WebReadableStream) : undefined);
}
