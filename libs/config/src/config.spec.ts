import { describe, expect, it } from '@jest/globals';
import { loadConfig, redactConfig } from './config.js';
import { problemsOf } from './testing/config-problems.js';
import { configurationTable } from './docs-table.js';
import { VARIABLES } from './variables.js';

describe('loadConfig', () => {
  it('starts on embedded defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config.nodeEnv).toBe('development');
    expect(config.http.port).toBe(3000);
    expect(config.database.url).toBeUndefined();
    expect(config.redis.url).toBeUndefined();
    expect(config.xmtp).toEqual({
      env: 'local',
      apiUrl: undefined,
      gatewayHost: undefined,
      devnetPort: 5556,
      maxLiveClients: 1000,
      databasePoolSize: 4,
      sqliteMemoryBytes: 256 * 1024 ** 2,
      sqliteMmapBytes: 0,
      sdk: 'auto',
    });
    expect(config.auth).toEqual({
      signupEnabled: true,
      loginRateLimitPerMinute: 10,
      signupRateLimitPerHour: 20,
      emailVerification: false,
    });
    expect(config.mail).toEqual({ transport: 'log' });
    expect(config.secrets).toEqual({ masterKey: undefined, jwtSecret: undefined });
    expect(config.rateLimits).toEqual({
      perCredentialPerMinute: 1200,
      perTenantPerMinute: 6000,
      identityNetworkShare: 0.9,
    });
    expect(config.dataDir).toMatch(/\/data$/);
  });

  it('parses every typed value', () => {
    const config = loadConfig({
      PORT: '8080',
      CORS_ORIGINS: 'https://a.example, https://b.example',
      MIGRATE_ON_START: 'false',
      DATABASE_URL: 'postgresql://u:p@db:5432/mailroom',
      REDIS_URL: 'redis://cache:6379',
      XMTP_ENV: 'dev',
      XMTP_API_URL: 'https://grpc.dev.xmtp.network:443/',
      SHUTDOWN_GRACE_MS: '2500',
    });
    expect(config.http.port).toBe(8080);
    expect(config.http.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(config.database).toEqual({ url: 'postgresql://u:p@db:5432/mailroom', migrateOnStart: false });
    expect(config.xmtp.apiUrl).toBe('https://grpc.dev.xmtp.network:443');
    expect(config.shutdownGraceMs).toBe(2500);
  });

  it.each([
    ['PORT', 'abc', 'PORT must be an integer between 0 and 65535 (got "abc")'],
    ['PORT', '70000', 'PORT must be an integer between 0 and 65535 (got "70000")'],
    ['NODE_ENV', 'staging', 'NODE_ENV must be development, test or production (got "staging")'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")'],
    [
      'XMTP_ENV',
      'main-net',
      'XMTP_ENV must be one of local, dev, production, testnet-staging, testnet-dev, testnet, mainnet (got "main-net")',
    ],
    [
      'XMTP_GATEWAY_HOST',
      'gateway.example',
      'XMTP_GATEWAY_HOST must be a URL with scheme http or https (got "gateway.example")',
    ],
    ['XMTP_API_URL', 'grpc.example', 'XMTP_API_URL must be a URL with scheme http or https (got "grpc.example")'],
    ['MIGRATE_ON_START', 'maybe', 'MIGRATE_ON_START must be one of true, false, 1, 0, yes, no (got "maybe")'],
    ['PUBLIC_BASE_URL', 'ftp://x', 'PUBLIC_BASE_URL must be a URL with scheme http or https (got "ftp://x")'],
    ['SHUTDOWN_GRACE_MS', '0', 'SHUTDOWN_GRACE_MS must be an integer between 1 and 600000 (got "0")'],
    [
      'IDENTITY_NETWORK_BUDGET_SHARE',
      '1.5',
      'IDENTITY_NETWORK_BUDGET_SHARE must be a number above 0 and at most 1 (got "1.5")',
    ],
    ['RATE_LIMIT_PER_MINUTE', 'lots', 'RATE_LIMIT_PER_MINUTE must be an integer between 1 and 1000000 (got "lots")'],
  ])('rejects %s=%s with one line naming it', (name, value, line) => {
    expect(problemsOf({ [name]: value })).toEqual([line]);
  });

  it.each([
    ['DATABASE_URL', 'mysql://root:hunter2@db/x', 'DATABASE_URL must be a URL with scheme postgres or postgresql'],
    ['REDIS_URL', 'http://:hunter2@cache', 'REDIS_URL must be a URL with scheme redis or rediss'],
    ['GATEWAY_MASTER_KEY', 'hunter2', 'GATEWAY_MASTER_KEY must be 32 bytes as 64 hex characters or base64'],
    ['JWT_SECRET', 'hunter2', 'JWT_SECRET must be at least 32 characters'],
  ])('never echoes the sensitive value of %s', (name, value, line) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toEqual([line]);
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('reports every bad variable at once, one line each', () => {
    expect(problemsOf({ PORT: '-1', XMTP_ENV: 'x', LOG_LEVEL: 'y' })).toHaveLength(3);
  });

  it('requires an explicit database and XMTP endpoint in production', () => {
    expect(problemsOf({ NODE_ENV: 'production', XMTP_ENV: 'production' })).toEqual([
      'DATABASE_URL is required when NODE_ENV=production',
      'GATEWAY_MASTER_KEY is required when NODE_ENV=production',
      'JWT_SECRET is required when NODE_ENV=production',
      'XMTP_API_URL is required when NODE_ENV=production and XMTP_ENV=production',
      'ADMIN_EMAIL_VERIFICATION is on (the production default) but MAILER=none cannot send its mails: set MAILER=smtp with SMTP_URL and MAIL_FROM, or SIGNUP_ENABLED=false to close signup, or ADMIN_EMAIL_VERIFICATION=false to accept that signup tells whether an email has an account',
    ]);
  });

  it.each<[{ XMTP_ENV: string; XMTP_GATEWAY_HOST?: string; XMTP_SDK?: string }, string]>([
    [{ XMTP_ENV: 'testnet', XMTP_GATEWAY_HOST: 'https://gateway.example.com/' }, 'auto'],
    [{ XMTP_ENV: 'mainnet', XMTP_GATEWAY_HOST: 'https://gateway.example.com', XMTP_SDK: '6' }, '6'],
    [{ XMTP_ENV: 'testnet-staging', XMTP_GATEWAY_HOST: 'http://127.0.0.1:5050' }, 'auto'],
    [{ XMTP_ENV: 'dev', XMTP_GATEWAY_HOST: 'https://gateway.example.com', XMTP_SDK: '6' }, '6'],
    [{ XMTP_ENV: 'production', XMTP_SDK: '5' }, '5'],
  ])('accepts the XMTP network %j', (env, sdk) => {
    const config = loadConfig(env);
    expect(config.xmtp.env).toBe(env.XMTP_ENV);
    expect(config.xmtp.sdk).toBe(sdk);
    expect(config.xmtp.gatewayHost).toBe(env.XMTP_GATEWAY_HOST?.replace(/\/$/, ''));
  });

  it.each([
    [
      { XMTP_ENV: 'mainnet' },
      [
        'XMTP_ENV=mainnet needs XMTP_GATEWAY_HOST: the decentralized networks are reached through an XMTP Gateway Service, which pays their fees',
      ],
    ],
    [
      { XMTP_ENV: 'testnet-dev', XMTP_SDK: '6' },
      [
        'XMTP_ENV=testnet-dev needs XMTP_GATEWAY_HOST: the decentralized networks are reached through an XMTP Gateway Service, which pays their fees',
      ],
    ],
    [
      { XMTP_ENV: 'testnet', XMTP_GATEWAY_HOST: 'https://gateway.example.com', XMTP_SDK: '5' },
      ['XMTP_ENV=testnet needs @xmtp/node-sdk 6 (node-sdk 5 knows local, dev, production)'],
    ],
    [
      { XMTP_ENV: 'dev', XMTP_GATEWAY_HOST: 'https://gateway.example.com', XMTP_SDK: '5' },
      ['XMTP_GATEWAY_HOST needs @xmtp/node-sdk 6 (node-sdk 5 cannot reach a decentralized network)'],
    ],
  ])('refuses the XMTP network %j, one line per reason', (env, lines) => {
    expect(problemsOf(env)).toEqual(lines);
  });

  it('does not ask for XMTP_API_URL in production on a decentralized network (the gateway host is the paid endpoint)', () => {
    const problems = problemsOf({ NODE_ENV: 'production', XMTP_ENV: 'mainnet' });
    expect(problems.filter((line) => line.startsWith('XMTP_'))).toEqual([
      'XMTP_ENV=mainnet needs XMTP_GATEWAY_HOST: the decentralized networks are reached through an XMTP Gateway Service, which pays their fees',
    ]);
  });

  it('redacts sensitive values for logging', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgresql://u:secretpw@db/x',
      REDIS_URL: 'redis://:redispw@cache',
      JWT_SECRET: 'j'.repeat(40),
      GATEWAY_MASTER_KEY: 'ab'.repeat(32),
    });
    const shown = JSON.stringify(redactConfig(config));
    expect(shown).not.toContain('j'.repeat(40));
    expect(shown).not.toContain('ab'.repeat(32));
    expect(shown).not.toContain('secretpw');
    expect(shown).not.toContain('redispw');
    expect(shown).toContain('[redacted]');
  });

  it('documents every variable in the configuration table', () => {
    const table = configurationTable();
    for (const name of Object.keys(VARIABLES)) expect(table).toContain(`| \`${name}\` |`);
  });
});

describe('outbound and webhook settings', () => {
  it('defaults to no allowlist, 5 s timeouts and 24 h of retries', () => {
    const config = loadConfig({});
    expect(config.outboundAllowlist).toEqual([]);
    expect(config.webhooks).toEqual({
      maxEndpointsPerTenant: 50,
      timeoutMs: 5000,
      concurrency: 16,
      endpointConcurrency: 8,
      retryBaseMs: 5000,
      retryMaxDelayMs: 3_600_000,
      retryWindowMs: 86_400_000,
      disableAfterFailures: 50,
      pollIntervalMs: 1000,
      secretOverlapSeconds: 86_400,
    });
    expect(config.wallets).toEqual({ maxPendingPerTenant: 20, maxPendingPerProcess: 1000 });
    expect(config.retention).toEqual({
      webhookBodySeconds: 86_400,
      webhookAttemptsSeconds: 2_592_000,
      refreshTokenSeconds: 604_800,
      sweepIntervalMs: 600_000,
    });
    expect(config.metrics).toEqual({ token: undefined, port: undefined });
    expect(config.apiDocs).toBe(true);
  });

  it('parses the allowlist as trimmed, lowercased hosts, addresses and CIDRs', () => {
    const config = loadConfig({
      OUTBOUND_ALLOWLIST: '127.0.0.1, 10.0.0.0/8,Hooks.Internal,::1,fd00::/8',
      WEBHOOK_DISABLE_AFTER_FAILURES: '3',
    });
    expect(config.outboundAllowlist).toEqual(['127.0.0.1', '10.0.0.0/8', 'hooks.internal', '::1', 'fd00::/8']);
    expect(config.webhooks.disableAfterFailures).toBe(3);
  });

  it.each([['10.0.0.0/33'], ['http://x'], ['a..b'], ['1.2.3.4/8/2'], ['::1/129'], ['host/8']])(
    'rejects the allowlist entry %s',
    (entry) => {
      expect(problemsOf({ OUTBOUND_ALLOWLIST: entry })).toEqual([
        `OUTBOUND_ALLOWLIST must be comma-separated host names, IP addresses or CIDRs (e.g. 127.0.0.1,10.0.0.0/8,hooks.internal) (got ${JSON.stringify(entry)})`,
      ]);
    },
  );

  it('takes a database pool size of 1 to 25 connections (libxmtp’s own maximum) and nothing else', () => {
    expect(loadConfig({ XMTP_DB_POOL_SIZE: '2' }).xmtp.databasePoolSize).toBe(2);
    expect(problemsOf({ XMTP_DB_POOL_SIZE: '0' })).toEqual([
      'XMTP_DB_POOL_SIZE must be an integer between 1 and 25 (got "0")',
    ]);
    expect(problemsOf({ XMTP_DB_POOL_SIZE: '26' })).toHaveLength(1);
  });

  it('takes the SQLite memory limit in MiB, 0 for none, and refuses a negative or fractional one', () => {
    expect(loadConfig({ XMTP_SQLITE_MEMORY_MB: '64' }).xmtp.sqliteMemoryBytes).toBe(64 * 1024 ** 2);
    expect(loadConfig({ XMTP_SQLITE_MEMORY_MB: '0' }).xmtp.sqliteMemoryBytes).toBe(0);
    expect(problemsOf({ XMTP_SQLITE_MEMORY_MB: '-1' })).toEqual([
      'XMTP_SQLITE_MEMORY_MB must be an integer between 0 and 1048576 (got "-1")',
    ]);
    expect(problemsOf({ XMTP_SQLITE_MEMORY_MB: '1.5' })).toHaveLength(1);
  });

  it("takes the SQLite memory-mapped I/O cap in MiB, off by default, and refuses one beyond SQLite's build maximum", () => {
    expect(loadConfig({}).xmtp.sqliteMmapBytes).toBe(0);
    expect(loadConfig({ XMTP_SQLITE_MMAP_MB: '128' }).xmtp.sqliteMmapBytes).toBe(128 * 1024 ** 2);
    expect(problemsOf({ XMTP_SQLITE_MMAP_MB: '2048' })).toEqual([
      'XMTP_SQLITE_MMAP_MB must be an integer between 0 and 2047 (got "2048")',
    ]);
  });

  it('rejects a zero timeout with one line', () => {
    expect(problemsOf({ WEBHOOK_TIMEOUT_MS: '0' })).toEqual([
      'WEBHOOK_TIMEOUT_MS must be an integer between 1 and 60000 (got "0")',
    ]);
  });
});
