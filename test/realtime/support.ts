// Shared set-up for the realtime suites: REST and graphql-ws helpers, and waiting for an identity's event pipeline.
import type { Client as WsClient } from 'graphql-ws';
import { StreamSupervisor } from '../../apps/gateway/src/modules/realtime/index.js';
import { bearer, type GatewayLike } from '../support/factories.js';
import type { TestGateway } from '../support/gateway.js';
import { pollUntil, type PollCheck } from '../support/wait.js';

export interface Reply<T = any> {
  status: number;
  body: T;
}

export async function call<T = any>(
  gateway: GatewayLike,
  credential: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Reply<T>> {
  const res = await fetch(`${gateway.url}${path}`, {
    method,
    headers: { ...bearer(credential), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export async function createIdentity(
  gateway: GatewayLike,
  key: string,
  label = 'bot',
): Promise<{ id: string; inboxId: string; address: string }> {
  const res = await call(gateway, key, 'POST', '/v1/identities', { label });
  if (res.status !== 201) throw new Error(`identity create answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function identityToken(gateway: GatewayLike, key: string, identityId: string): Promise<string> {
  const res = await call<{ token: string }>(gateway, key, 'POST', `/v1/identities/${identityId}/tokens`, {
    ttlSeconds: 600,
  });
  if (res.status !== 201 && res.status !== 200)
    throw new Error(`token mint answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.token;
}

/** A running graphql-ws subscription that records what arrives. */
export interface LiveSubscription<T> {
  readonly results: T[];
  readonly errors: unknown[];
  completed: boolean;
  dispose(): void;
}

export function live<T>(client: WsClient, query: string, variables: Record<string, unknown>): LiveSubscription<T> {
  const subscription: LiveSubscription<T> = {
    results: [],
    errors: [],
    completed: false,
    dispose: () => undefined,
  };
  subscription.dispose = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => subscription.results.push(value as T),
      error: (error) => subscription.errors.push(error),
      complete: () => {
        subscription.completed = true;
      },
    },
  );
  return subscription;
}

/** Polls until `check` returns something other than undefined/false. */
export function waitFor<T>(check: PollCheck<T>, what: string, timeoutMs = 20_000): Promise<T> {
  return pollUntil(check, what, timeoutMs, 50);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function supervisorOf(gateway: TestGateway): StreamSupervisor {
  return gateway.app.get(StreamSupervisor);
}

export const MESSAGE_SUBSCRIPTION = `subscription ($identityId: ID!, $conversationId: ID) {
  messageReceived(identityId: $identityId, conversationId: $conversationId) { id conversationId senderInboxId sentAtNs text content }
}`;
