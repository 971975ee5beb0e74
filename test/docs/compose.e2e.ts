import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse, type Tags } from 'yaml';
import { loadConfig } from '@mailroom/config';
import { REPO_ROOT } from '../support/process.js';

/**
 * The compose files are not run here (no Docker engine), so their gateway environments are checked against the config
 * schema: `docker compose up` must start with email verification on and a mailer that sends.
 */
type Service = { image?: string; environment?: Record<string, string | number | boolean>; extends?: unknown };
type ComposeFile = { services: Record<string, Service>; 'x-replica'?: Service };

// Compose's `!reset` (drop the inherited value); only its presence matters here.
const composeTags: Tags = [{ tag: '!reset', resolve: () => null, collection: 'seq' }];

/** What the operator's shell gives `${NAME:?…}`; anything else left unset. */
const shell: Record<string, string> = {
  GATEWAY_MASTER_KEY: randomBytes(32).toString('hex'),
  JWT_SECRET: randomBytes(32).toString('hex'),
};

/** Compose interpolation: `${NAME}`, `${NAME:-default}`, `${NAME:?error}` (refused when unset) and `$$`. */
function interpolate(value: string): string {
  return value.replace(
    /\$\$|\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g,
    (whole, name?: string, kind?: string, arg?: string) => {
      if (whole === '$$') return '$';
      const set = shell[name!];
      if (set !== undefined) return set;
      if (kind === '?') throw new Error(`compose refuses to start without ${name}: ${arg}`);
      return kind === '-' ? arg! : '';
    },
  );
}

async function compose(file: string): Promise<ComposeFile> {
  return parse(await readFile(path.join(REPO_ROOT, file), 'utf8'), { merge: true, customTags: composeTags });
}

function environmentOf(...services: Service[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const service of services)
    for (const [name, value] of Object.entries(service.environment ?? {})) env[name] = interpolate(String(value));
  return env;
}

describe('docker compose files', () => {
  it('start the gateway in production with email verification on, sending through the pinned mailpit catcher', async () => {
    const { services } = await compose('docker-compose.yml');
    const env = environmentOf(services.gateway!);
    const config = loadConfig(env);
    expect(config.nodeEnv).toBe('production');
    expect(config.auth.signupEnabled).toBe(true);
    expect(config.auth.emailVerification).toBe(true);
    expect(config.mail.transport).toBe('smtp');
    expect(config.mail.from).toBeDefined();
    const relay = new URL(config.mail.smtpUrl!);
    expect(services[relay.hostname]?.image).toMatch(/^axllent\/mailpit:v\d+\.\d+\.\d+$/);
    expect(relay.port).toBe('1025');
    expect(config.http.publicBaseUrl).toBe('http://localhost:3000');
  });

  it('need the secrets from the shell, never from the file', async () => {
    const { services } = await compose('docker-compose.yml');
    for (const name of ['GATEWAY_MASTER_KEY', 'JWT_SECRET'])
      expect(String(services.gateway!.environment![name])).toMatch(new RegExp(`^\\$\\{${name}:\\?`));
  });

  it('give both replicas the same mail settings, with links on the load balancer', async () => {
    const base = await compose('docker-compose.yml');
    const replicas = await compose('docker-compose.replicas.yml');
    for (const name of ['gateway-a', 'gateway-b']) {
      const replica = replicas.services[name]!;
      expect(replica.extends).toEqual({ file: 'docker-compose.yml', service: 'gateway' });
      const config = loadConfig(environmentOf(base.services.gateway!, replica));
      expect(config.auth.emailVerification).toBe(true);
      expect(config.mail.transport).toBe('smtp');
      expect(config.mail.smtpUrl).toBe('smtp://mailpit:1025');
      expect(config.http.publicBaseUrl).toBe('http://localhost:8000');
    }
  });
});
