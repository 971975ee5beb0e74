import { createHmac } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bearerCredential, type Authenticator } from '../../common/auth/index.js';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import type { GatewayRuntime } from '../../runtime.js';
import { FORWARDED_HEADER, ForwardingSeal } from './forwarding-seal.js';
import { identityIdsOf, type GraphqlHttpRequest } from './graphql-identity-args.js';
import { IdentityHolders } from './identity-holders.js';
import { forwardToHolder, originFormTarget, refuseNonOriginForm } from './replica-forwarding.js';

export { FORWARDED_HEADER } from './forwarding-seal.js';
export { sessionNameFor } from './identity-holders.js';

export const REPLICA_HEADER = 'x-mailroom-replica';

/** A replica's public name: derived from its internal URL with the deployment's secret, so the URL cannot be read back. */
export function replicaIdFor(internalUrl: string, secret: string): string {
  return createHmac('sha256', secret).update(`replica-id:${internalUrl}`).digest('hex').slice(0, 16);
}
const IDENTITY_ROUTE = '/v1/identities/:id';
const GRAPHQL_ROUTE = '/graphql';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface OwnerRouting {
  /** The credential check routing runs before it looks anything up (the Nest app's, once it exists). */
  useAuthenticator(authenticator: Authenticator): void;
}

/**
 * Scale-out: an identity's XMTP installation lives in exactly one replica (the holder of its Postgres advisory lock).
 * A REST request for an identity that another live replica holds is forwarded there, body and all, before this
 * replica parses it; a GraphQL request over HTTP whose arguments name one such identity is forwarded once its body is
 * parsed. Only authenticated requests are routed (no Postgres work for strangers), the holder is looked up through a
 * short cache, and a request a replica forwarded (sealed header) is never forwarded again. The holder authenticates
 * and serves it as usual.
 */
export function registerOwnerRouting(
  fastify: FastifyInstance,
  runtime: GatewayRuntime,
  self: () => string | undefined,
): OwnerRouting {
  const holders = new IdentityHolders({
    query: async (text, values) => ({
      rows: await runtime.prisma.$queryRawUnsafe<Record<string, unknown>[]>(text, ...(values ?? [])),
    }),
  });
  const seal = new ForwardingSeal(runtime.jwtSecret);
  const timeoutMs = runtime.config.http.replicaForwardTimeoutMs;
  let authenticator: Authenticator | undefined;

  /** Whether a request for this identity might belong to another replica: not live here, not forwarded already. */
  const mayBeElsewhere = (request: FastifyRequest, identityId: string): boolean =>
    UUID.test(identityId) &&
    !runtime.pool.isLive(identityId) &&
    !seal.verify(request.headers[FORWARDED_HEADER], request.method, originFormTarget(request) ?? '');

  /** The other replica to serve this identity from, or undefined to serve it here. */
  const holderElsewhere = async (identityId: string, me: string): Promise<string | undefined> => {
    const owner = await holders.ownerOf(identityId);
    return owner && owner !== me ? owner : undefined;
  };

  /**
   * Forwards to the holder; true when the answer was sent, false to serve the request here. A holder that refuses the
   * connection (it stopped; the cached lookup is stale) is looked up afresh once: usually nobody holds the identity
   * any more and this replica takes it over.
   */
  const forward = async (
    request: FastifyRequest,
    reply: FastifyReply,
    identityId: string,
    me: string,
    body?: string,
  ): Promise<boolean> => {
    let owner = await holderElsewhere(identityId, me);
    for (let attempt = 0; owner; attempt++) {
      request.log.debug({ identityId, owner }, 'forwarding to the replica that holds the identity');
      const outcome = await forwardToHolder(request, reply, {
        owner,
        seal,
        timeoutMs,
        body,
        onUnreachable: () => holders.forget(identityId),
      });
      if (outcome === 'answered') return true;
      const next = await holderElsewhere(identityId, me);
      if (next && (next === owner || attempt > 0)) {
        reply.header('retry-after', '1');
        throw new DomainError(
          ErrorCode.ServiceUnavailable,
          'The replica serving this identity is unreachable; retry shortly.',
        );
      }
      owner = next;
    }
    return false;
  };

  const authenticate = async (request: FastifyRequest): Promise<void> => {
    if (!authenticator)
      throw new DomainError(ErrorCode.ServiceUnavailable, 'The gateway is still starting; retry shortly.');
    const credential = bearerCredential(request.headers.authorization);
    if (!credential)
      throw new DomainError(ErrorCode.Unauthenticated, 'Send a credential as `Authorization: Bearer <credential>`.');
    await authenticator.authenticate(credential);
  };

  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const me = self();
    if (runtime.replica.id) reply.header(REPLICA_HEADER, runtime.replica.id);
    refuseNonOriginForm(request);
    if (!me || !request.routeOptions.url?.startsWith(IDENTITY_ROUTE)) return;
    const identityId = (request.params as { id?: string }).id;
    if (!identityId || !mayBeElsewhere(request, identityId)) return;
    try {
      await authenticate(request);
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.Unauthenticated)
        reply.header('www-authenticate', 'Bearer');
      throw error;
    }
    if (await forward(request, reply, identityId, me)) return reply;
  });

  fastify.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const me = self();
    if (!me || request.routeOptions.url !== GRAPHQL_ROUTE || (request.method !== 'POST' && request.method !== 'GET'))
      return;
    const operation = (request.method === 'POST' ? request.body : request.query) as GraphqlHttpRequest | undefined;
    const ids = operation && typeof operation === 'object' ? identityIdsOf(operation) : undefined;
    if (ids?.size !== 1) return;
    const identityId = [...ids][0]!;
    if (!mayBeElsewhere(request, identityId)) return;
    // A missing or bad credential is reported by the GraphQL layer here, as for any operation.
    if (!bearerCredential(request.headers.authorization)) return;
    try {
      await authenticate(request);
    } catch (error) {
      if (error instanceof DomainError) return;
      throw error;
    }
    if (
      await forward(
        request,
        reply,
        identityId,
        me,
        request.method === 'POST' ? JSON.stringify(request.body) : undefined,
      )
    )
      return reply;
  });

  return {
    useAuthenticator: (value) => {
      authenticator = value;
    },
  };
}
