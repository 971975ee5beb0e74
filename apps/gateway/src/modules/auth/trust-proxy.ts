import type { TrustProxySetting } from '@mailroom/config';

/** Fastify's trust function: is the address `hop` steps from the gateway (0 = the socket peer) a trusted proxy? */
export type TrustProxyFunction = (address: string, hop: number) => boolean;

/**
 * TRUST_PROXY as Fastify takes it. Fastify ignores a bare hop count (it fails closed), so a count becomes a function
 * trusting that many hops: with `1`, the client is the right-most `X-Forwarded-For` entry, the one the proxy wrote;
 * anything a client put to its left is ignored.
 */
export function fastifyTrustProxy(setting: TrustProxySetting): boolean | string[] | TrustProxyFunction {
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  if (typeof setting === 'boolean') return setting;
  return [...setting];
}
