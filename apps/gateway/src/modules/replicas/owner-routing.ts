import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findIdentityLockHolder } from '@mailroom/persistence';
import type { GatewayRuntime } from '../../runtime.js';

export const REPLICA_HEADER = 'x-mailroom-replica';
export const FORWARDED_HEADER = 'x-mailroom-forwarded-by';
const SESSION_PREFIX = 'mailroom ';
const IDENTITY_ROUTE = '/v1/identities/:id';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-connection', 'host', 'content-length']);

/** The lock session name that tells other replicas where this one is. */
export function sessionNameFor(internalUrl: string): string {
  return `${SESSION_PREFIX}${internalUrl}`;
}

/**
 * Scale-out: an identity's XMTP installation lives in exactly one replica (the holder of its Postgres advisory lock).
 * A request for an identity that another live replica holds is forwarded there, body and all, before this replica
 * parses or handles it; the holder authenticates and serves it as usual. A forwarded request is never forwarded again.
 */
export function registerOwnerRouting(fastify: FastifyInstance, runtime: GatewayRuntime, self: () => string | undefined): void {
  const db = { query: async (text: string, values?: unknown[]) => ({ rows: await runtime.prisma.$queryRawUnsafe<Record<string, unknown>[]>(text, ...(values ?? [])) }) };

  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const me = self();
    if (me) reply.header(REPLICA_HEADER, me);
    if (!me || request.headers[FORWARDED_HEADER] || !request.routeOptions.url?.startsWith(IDENTITY_ROUTE)) return;
    const identityId = (request.params as { id?: string }).id;
    if (!identityId || !UUID.test(identityId) || runtime.pool.isLive(identityId)) return;

    const holder = await findIdentityLockHolder(db, identityId);
    const owner = holder?.startsWith(SESSION_PREFIX) ? holder.slice(SESSION_PREFIX.length) : undefined;
    if (!owner || owner === me) return;
    request.log.debug({ identityId, owner }, 'forwarding to the replica that holds the identity');
    await forward(request, reply, owner, me);
    return reply;
  });
}

async function forward(request: FastifyRequest, reply: FastifyReply, owner: string, me: string): Promise<void> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  headers.set(FORWARDED_HEADER, me);
  headers.set('x-request-id', String(request.id));
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  let answer: Response;
  try {
    answer = await fetch(new URL(request.url, owner), {
      method: request.method,
      headers,
      body: hasBody ? (Readable.toWeb(request.raw) as unknown as NonNullable<RequestInit['body']>) : undefined,
      redirect: 'manual',
      ...(hasBody ? { duplex: 'half' } : {}),
    } as RequestInit);
  } catch (error) {
    request.log.warn({ err: error, owner }, 'the replica holding the identity did not answer');
    reply
      .code(503)
      .header('content-type', 'application/problem+json')
      .header('retry-after', '1')
      .send({
        type: 'https://mailroom.dev/problems/service-unavailable',
        title: 'Service Unavailable',
        status: 503,
        detail: 'The replica serving this identity is unreachable; retry shortly.',
        code: 'SERVICE_UNAVAILABLE',
        requestId: String(request.id),
      });
    return;
  }
  reply.code(answer.status);
  answer.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name)) reply.header(name, value);
  });
  await reply.send(answer.body ? Readable.fromWeb(answer.body as unknown as WebReadableStream) : undefined);
}
