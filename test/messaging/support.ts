// Shared set-up for the messaging suites: one gateway on a fresh database, a tenant key, and REST helpers.
import { createTestClients, type TestClients } from '@mailroom/xmtp/testing';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { bearer, createApiKey, signUpTenant } from '../support/factories.js';
import { startTestGateway, xmtpNodeUrl, type TestGateway } from '../support/gateway.js';
import { pollUntil, type PollCheck } from '../support/wait.js';

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface MessagingEnv {
  database: TestDatabase;
  gateway: TestGateway;
  peers: TestClients;
  key: string;
  call<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
    credential?: string,
  ): Promise<Reply<T>>;
  createIdentity(label?: string): Promise<{ id: string; inboxId: string; address: string }>;
  close(): Promise<void>;
}

/** `config`: extra gateway variables (e.g. attachment limits) on top of the test defaults. */
export async function startMessagingEnv(peerCount = 2, config: Record<string, string> = {}): Promise<MessagingEnv> {
  const database = await createTestDatabase();
  const gateway = await startTestGateway({ ...config, DATABASE_URL: database.url });
  const tenant = await signUpTenant(gateway);
  const key = (await createApiKey(gateway, tenant.adminToken, ['identities', 'messages'])).key;
  const peers = await createTestClients(xmtpNodeUrl(gateway), peerCount);
  const call = async <T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    credential = key,
  ): Promise<Reply<T>> => {
    const res = await fetch(`${gateway.url}${path}`, {
      method,
      headers: {
        ...bearer(credential),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body !== undefined ? (typeof body === 'string' ? body : JSON.stringify(body)) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
  };
  const createIdentity = async (label = 'bot') => {
    const res = await call('POST', '/v1/identities', { label });
    if (res.status !== 201) throw new Error(`identity create answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body as { id: string; inboxId: string; address: string };
  };
  return {
    database,
    gateway,
    peers,
    key,
    call,
    createIdentity,
    close: async () => {
      await peers.cleanup();
      await gateway.close();
      await database.drop();
    },
  };
}

/** Polls until `check` returns something other than undefined/false. */
export function waitFor<T>(check: PollCheck<T>, what: string, timeoutMs = 15_000): Promise<T> {
  return pollUntil(check, what, timeoutMs, 100);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
