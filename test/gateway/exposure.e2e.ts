import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '@mailroom/config';
import { metricsAccess } from '../../apps/gateway/src/modules/metrics/metrics-access.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { bearer, signUpTenant } from '../support/factories.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { codesOf, collect, graphql, wsClient } from '../graphql/support.js';

/** What a gateway shows to anyone who can reach it: no internals in probes, metrics and docs only where configured. */
let database: TestDatabase;
let guarded: TestGateway;
let separate: TestGateway;

const METRICS_TOKEN = 'scrape-token-0123456789';

beforeAll(async () => {
  database = await createTestDatabase();
  const shared = {
    DATABASE_URL: database.url,
    GATEWAY_MASTER_KEY: randomBytes(32).toString('hex'),
    JWT_SECRET: randomBytes(32).toString('base64url'),
  };
  guarded = await startTestGateway({
    ...shared,
    // Nothing listens there: readiness reports the XMTP node down, with the raw error kept for the log.
    XMTP_API_URL: 'http://127.0.0.1:1',
    METRICS_TOKEN,
    API_DOCS: 'false',
  });
  separate = await startTestGateway({ ...shared, XMTP_API_URL: 'http://127.0.0.1:1', METRICS_PORT: '0' });
});

afterAll(async () => {
  await guarded?.close();
  await separate?.close();
  await database?.drop();
});

describe('what the gateway exposes', () => {
  it('names failing dependencies on /readyz without their raw errors (hosts, ports, paths)', async () => {
    const res = await fetch(`${guarded.url}/readyz`);
    // The replica is named without its internal URL.
    expect(res.headers.get('x-mailroom-replica')).toBe(guarded.runtime.replica.id);
    expect(res.headers.get('x-mailroom-replica')).not.toContain('127.0.0.1');
    const body = (await res.json()) as { checks: Record<string, { status: string; error?: string }> };
    const down = Object.entries(body.checks).filter(([, check]) => check.status === 'down');
    expect(down.length).toBeGreaterThan(0);
    for (const [, check] of down) {
      expect(check.error).toBeTruthy();
      expect(check.error).not.toMatch(/127\.0\.0\.1|:1\b|ECONN|\/tmp|\//);
    }
  });

  it('serves /metrics only with the metrics token when one is set', async () => {
    expect((await fetch(`${guarded.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${guarded.url}/metrics`, { headers: bearer('wrong-token-0123456789') })).status).toBe(401);
    const scraped = await fetch(`${guarded.url}/metrics`, { headers: bearer(METRICS_TOKEN) });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('http_requests_total');
  });

  it('serves /metrics on its own listener, and not on the public one, with METRICS_PORT', async () => {
    expect((await fetch(`${separate.url}/metrics`)).status).toBe(404);
    expect(separate.metricsUrl).toBeDefined();
    const scraped = await fetch(`${separate.metricsUrl}/metrics`);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('process_cpu');
    expect((await fetch(`${separate.metricsUrl}/v1/identities`)).status).toBe(404);
  });

  it('keeps /metrics off the public port in production unless a token is set', () => {
    const production = (extra: Record<string, string>) =>
      loadConfig({
        NODE_ENV: 'production',
        DATABASE_URL: 'postgresql://u@db/x',
        GATEWAY_MASTER_KEY: '11'.repeat(32),
        JWT_SECRET: 'j'.repeat(43),
        XMTP_ENV: 'dev',
        XMTP_API_URL: 'https://xmtp.example:443',
        // No mailer here, so signup stays closed (production verifies emails by mail when it is open).
        SIGNUP_ENABLED: 'false',
        ...extra,
      });
    expect(metricsAccess(production({}), 'public', undefined)).toBe('not_here');
    expect(metricsAccess(production({ METRICS_TOKEN }), 'public', `Bearer ${METRICS_TOKEN}`)).toBe('allowed');
    expect(metricsAccess(production({ METRICS_PORT: '9464' }), 'metrics', undefined)).toBe('allowed');
    expect(production({}).apiDocs).toBe(false);
  });

  it('turns /docs and GraphQL introspection off with API_DOCS=false (on by default outside production)', async () => {
    expect((await fetch(`${guarded.url}/docs/openapi.json`)).status).toBe(404);
    expect((await fetch(`${separate.url}/docs/openapi.json`)).status).toBe(200);
    const { adminToken } = await signUpTenant(guarded);
    const introspection = await graphql(guarded, '{ __schema { queryType { name } } }', {}, adminToken);
    expect(codesOf(introspection).length).toBeGreaterThan(0);
    expect(introspection.data?.__schema).toBeUndefined();
    // …and over graphql-ws too, which runs the schema outside Apollo.
    const socket = wsClient(guarded, `Bearer ${adminToken}`);
    try {
      await expect(collect(socket, '{ __schema { queryType { name } } }')).rejects.toBeDefined();
    } finally {
      await socket.dispose();
    }
  });

  it('answers 400 to a malformed list cursor on every list, never a 500', async () => {
    const { adminToken } = await signUpTenant(separate);
    const forged = [
      'not-a-cursor',
      Buffer.from(JSON.stringify({ t: '2026-01-01T00:00:00Z', i: 'not-a-uuid' })).toString('base64url'),
      Buffer.from(JSON.stringify({ createdAt: 'yesterday', id: '00000000-0000-4000-8000-000000000000' })).toString(
        'base64url',
      ),
      Buffer.from(JSON.stringify({ t: 12, i: '00000000-0000-4000-8000-000000000000' })).toString('base64url'),
    ];
    for (const path of ['/v1/identities', '/v1/api-keys', '/v1/audit-log', '/v1/webhooks']) {
      for (const cursor of forged) {
        const res = await fetch(`${separate.url}${path}?cursor=${cursor}`, { headers: bearer(adminToken) });
        expect({ path, cursor, status: res.status }).toEqual({ path, cursor, status: 400 });
        expect(await res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
      }
    }
  });
});
