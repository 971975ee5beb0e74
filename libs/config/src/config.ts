import path from 'node:path';
import { VARIABLES, type TrustProxySetting, type VariableName } from './variables.js';
import { isDecentralizedXmtpEnv, xmtpNetworkProblems, type XmtpEnv } from './xmtp-networks.js';

export type { XmtpEnv } from './xmtp-networks.js';
export type NodeEnv = 'development' | 'test' | 'production';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** The gateway's whole configuration, validated once at start. */
export interface GatewayConfig {
  readonly nodeEnv: NodeEnv;
  readonly http: {
    readonly host: string;
    readonly port: number;
    /** Absent means "derive from the port the server really listens on". */
    readonly publicBaseUrl?: string;
    readonly corsOrigins: readonly string[];
    /** Fastify's `trustProxy`: all hops (discouraged), none, a hop count, or proxy addresses/CIDRs. */
    readonly trustProxy: TrustProxySetting;
    /** Absent: the address the server listens on. */
    readonly internalUrl?: string;
    /** How long a request forwarded to the replica holding its identity may wait for the answer's head. */
    readonly replicaForwardTimeoutMs: number;
  };
  readonly log: { readonly level: LogLevel };
  /** How `/metrics` is exposed: behind a bearer token, and/or on its own listener. */
  readonly metrics: { readonly token?: string; readonly port?: number };
  /** `/docs` and GraphQL introspection. */
  readonly apiDocs: boolean;
  readonly dataDir: string;
  readonly database: {
    /** Absent: embedded PostgreSQL under `dataDir`. */
    readonly url?: string;
    readonly migrateOnStart: boolean;
  };
  readonly redis: { readonly url?: string };
  /** Encrypted attachments: which blob stores exist, the default one, limits. */
  readonly attachments: AttachmentsConfig;
  readonly xmtp: {
    readonly env: XmtpEnv;
    /** Absent with env `local`: start the devnet in-process. */
    readonly apiUrl?: string;
    /** The operator's XMTP Gateway Service (required on the decentralized networks, SDK 6 only). */
    readonly gatewayHost?: string;
    readonly devnetPort: number;
    readonly maxLiveClients: number;
    /** XMTP_DB_POOL_SIZE: libxmtp's SQLite connections per client (SDK 6). */
    readonly databasePoolSize: number;
    /** XMTP_SQLITE_MEMORY_MB in bytes: SQLite's soft heap limit for all clients together; 0: none. */
    readonly sqliteMemoryBytes: number;
    /** XMTP_SQLITE_MMAP_MB in bytes: the most memory-mapped I/O per SQLite connection; 0: none. */
    readonly sqliteMmapBytes: number;
    /** Which @xmtp/node-sdk major runs (`auto`: the newest this process can load). */
    readonly sdk: 'auto' | '5' | '6';
  };
  readonly secrets: {
    /** Absent outside production: generated once under `dataDir`. */
    readonly masterKey?: string;
    readonly jwtSecret?: string;
  };
  readonly auth: {
    readonly signupEnabled: boolean;
    readonly loginRateLimitPerMinute: number;
    readonly signupRateLimitPerHour: number;
    /** Signup and invitations prove the email by mail and never reveal whether it has an account. */
    readonly emailVerification: boolean;
  };
  /** Mail to admins; `log` is for development (it writes links and tokens to the log). */
  readonly mail: {
    readonly transport: MailTransport;
    /** With `smtp`: the relay, credentials included (sensitive). */
    readonly smtpUrl?: string;
    /** With `smtp`: the sender address. */
    readonly from?: string;
  };
  readonly rateLimits: {
    readonly perCredentialPerMinute: number;
    readonly perTenantPerMinute: number;
    readonly identityNetworkShare: number;
  };
  readonly broadcasts: { readonly paceMs: number; readonly leaseMs: number };
  readonly shutdownGraceMs: number;
  /** Private, loopback or link-local destinations outbound requests may reach anyway: host names, IPs or CIDRs. */
  readonly outboundAllowlist: readonly string[];
  /** The realtime event pipeline (apps/gateway/src/modules/realtime). */
  readonly events: {
    readonly reconcileIntervalMs: number;
    readonly replayLookbackMs: number;
    readonly sweepBatch: number;
    readonly sweepConcurrency: number;
    readonly sweepPauseMs: number;
  };
  /** Bounds on wallet signature requests waiting for their wallet. */
  readonly wallets: { readonly maxPendingPerTenant: number; readonly maxPendingPerProcess: number };
  /** How long data that is no longer needed is kept before the retention sweep deletes it. */
  readonly retention: {
    readonly webhookBodySeconds: number;
    readonly webhookAttemptsSeconds: number;
    readonly refreshTokenSeconds: number;
    readonly sweepIntervalMs: number;
  };
  readonly webhooks: {
    readonly maxEndpointsPerTenant: number;
    readonly timeoutMs: number;
    readonly concurrency: number;
    readonly endpointConcurrency: number;
    readonly retryBaseMs: number;
    readonly retryMaxDelayMs: number;
    readonly retryWindowMs: number;
    readonly disableAfterFailures: number;
    readonly pollIntervalMs: number;
    readonly secretOverlapSeconds: number;
  };
}

export type MailTransport = 'smtp' | 'log' | 'none';

export type BlobStoreName = 'fs' | 's3' | 'ipfs';

export interface AttachmentsConfig {
  readonly defaultStore: BlobStoreName;
  /** Present when `S3_BUCKET` is set. */
  readonly s3?: {
    readonly endpoint?: string;
    readonly bucket: string;
    readonly region: string;
    readonly accessKeyId?: string;
    readonly secretAccessKey?: string;
    readonly forcePathStyle: boolean;
    readonly publicBaseUrl?: string;
    readonly presignTtlSeconds: number;
  };
  /** Present when `IPFS_API_URL` is set. */
  readonly ipfs?: { readonly apiUrl: string; readonly gatewayUrl: string };
  readonly maxBytes: number;
  /** Lowercased MIME patterns (`type/subtype`, `type/*`, `*`). */
  readonly mimeAllow: readonly string[];
  readonly mimeDeny: readonly string[];
  readonly fetchTimeoutMs: number;
  /** Seconds an uploaded, not yet sent file is kept. */
  readonly uploadTtlSeconds: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads and validates the environment. Throws ConfigError listing one line per bad variable;
 * sensitive values never appear in those lines.
 */
export function loadConfig(env: Env = process.env): GatewayConfig {
  const problems: string[] = [];
  const values: Partial<Record<VariableName, unknown>> = {};

  for (const name of Object.keys(VARIABLES) as VariableName[]) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const spec = VARIABLES[name];
    const parsed = spec.schema.safeParse(raw);
    if (parsed.success) {
      values[name] = parsed.data;
    } else {
      const reason = parsed.error.issues[0]?.message ?? 'is invalid';
      const shown = 'sensitive' in spec && spec.sensitive ? '' : ` (got ${JSON.stringify(raw)})`;
      problems.push(`${name} ${reason}${shown}`);
    }
  }

  const nodeEnv = (values.NODE_ENV as NodeEnv | undefined) ?? 'development';
  if (nodeEnv === 'production') {
    for (const name of ['DATABASE_URL', 'GATEWAY_MASTER_KEY', 'JWT_SECRET'] as const) {
      if (env[name] === undefined || env[name] === '') {
        problems.push(`${name} is required when NODE_ENV=production`);
      }
    }
  }
  const xmtpEnv = (values.XMTP_ENV as XmtpEnv | undefined) ?? 'local';
  if (
    xmtpEnv !== 'local' &&
    !isDecentralizedXmtpEnv(xmtpEnv) &&
    (env.XMTP_API_URL === undefined || env.XMTP_API_URL === '') &&
    nodeEnv === 'production'
  ) {
    // The SDK default is fine for dev; production operators must name the endpoint they pay for (on a decentralized
    // network that is the XMTP Gateway Service, checked below).
    problems.push(`XMTP_API_URL is required when NODE_ENV=production and XMTP_ENV=${xmtpEnv}`);
  }
  // What no SDK, or not the one XMTP_SDK names, can serve; with `auto` the gateway checks again once the SDK is loaded.
  const xmtpSdk = (values.XMTP_SDK as 'auto' | '5' | '6' | undefined) ?? 'auto';
  problems.push(
    ...xmtpNetworkProblems(
      { env: xmtpEnv, gatewayHost: values.XMTP_GATEWAY_HOST as string | undefined },
      xmtpSdk === 'auto' ? 'auto' : (Number(xmtpSdk) as 5 | 6),
    ),
  );

  problems.push(...attachmentProblems(env));
  const auth = authConfig(values, nodeEnv);
  const mail = mailConfig(values, nodeEnv);
  problems.push(...mailProblems(env, nodeEnv, auth, mail));
  if (problems.length > 0) throw new ConfigError(problems);

  const corsRaw = (values.CORS_ORIGINS as string | undefined) ?? '';
  return {
    nodeEnv,
    http: {
      host: (values.HOST as string | undefined) ?? '0.0.0.0',
      port: (values.PORT as number | undefined) ?? 3000,
      publicBaseUrl: (values.PUBLIC_BASE_URL as string | undefined)?.replace(/\/+$/, ''),
      corsOrigins: corsRaw
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
      trustProxy: (values.TRUST_PROXY as TrustProxySetting | undefined) ?? false,
      internalUrl: (values.INTERNAL_URL as string | undefined)?.replace(/\/+$/, ''),
      replicaForwardTimeoutMs: (values.REPLICA_FORWARD_TIMEOUT_MS as number | undefined) ?? 30_000,
    },
    log: { level: (values.LOG_LEVEL as LogLevel | undefined) ?? 'info' },
    metrics: { token: values.METRICS_TOKEN as string | undefined, port: values.METRICS_PORT as number | undefined },
    apiDocs: (values.API_DOCS as boolean | undefined) ?? nodeEnv !== 'production',
    dataDir: path.resolve((values.DATA_DIR as string | undefined) ?? './data'),
    database: {
      url: values.DATABASE_URL as string | undefined,
      migrateOnStart: (values.MIGRATE_ON_START as boolean | undefined) ?? true,
    },
    redis: { url: values.REDIS_URL as string | undefined },
    attachments: attachmentsConfig(values),
    xmtp: {
      env: xmtpEnv,
      apiUrl: (values.XMTP_API_URL as string | undefined)?.replace(/\/+$/, ''),
      gatewayHost: (values.XMTP_GATEWAY_HOST as string | undefined)?.replace(/\/+$/, ''),
      devnetPort: (values.DEVNET_PORT as number | undefined) ?? 5556,
      maxLiveClients: (values.XMTP_MAX_LIVE_CLIENTS as number | undefined) ?? 1000,
      databasePoolSize: (values.XMTP_DB_POOL_SIZE as number | undefined) ?? 4,
      sqliteMemoryBytes: ((values.XMTP_SQLITE_MEMORY_MB as number | undefined) ?? 256) * 1024 ** 2,
      sqliteMmapBytes: ((values.XMTP_SQLITE_MMAP_MB as number | undefined) ?? 0) * 1024 ** 2,
      sdk: xmtpSdk,
    },
    secrets: {
      masterKey: values.GATEWAY_MASTER_KEY as string | undefined,
      jwtSecret: values.JWT_SECRET as string | undefined,
    },
    auth,
    mail,
    rateLimits: {
      perCredentialPerMinute: (values.RATE_LIMIT_PER_MINUTE as number | undefined) ?? 1200,
      perTenantPerMinute: (values.RATE_LIMIT_TENANT_PER_MINUTE as number | undefined) ?? 6000,
      identityNetworkShare: (values.IDENTITY_NETWORK_BUDGET_SHARE as number | undefined) ?? 0.9,
    },
    broadcasts: {
      paceMs: (values.BROADCAST_PACE_MS as number | undefined) ?? 0,
      leaseMs: (values.BROADCAST_LEASE_MS as number | undefined) ?? 10_000,
    },
    shutdownGraceMs: (values.SHUTDOWN_GRACE_MS as number | undefined) ?? 10_000,
    outboundAllowlist: ((values.OUTBOUND_ALLOWLIST as string | undefined) ?? '')
      .split(',')
      .map((entry) => entry.trim().toLowerCase())
      .filter(Boolean),
    events: {
      reconcileIntervalMs: (values.EVENT_RECONCILE_INTERVAL_MS as number | undefined) ?? 60_000,
      replayLookbackMs: (values.EVENT_REPLAY_LOOKBACK_MS as number | undefined) ?? 300_000,
      sweepBatch: (values.EVENT_SWEEP_BATCH as number | undefined) ?? 50,
      sweepConcurrency: (values.EVENT_SWEEP_CONCURRENCY as number | undefined) ?? 4,
      sweepPauseMs: (values.EVENT_SWEEP_PAUSE_MS as number | undefined) ?? 1_000,
    },
    wallets: {
      maxPendingPerTenant: (values.WALLET_PENDING_PER_TENANT as number | undefined) ?? 20,
      maxPendingPerProcess: (values.WALLET_PENDING_PER_PROCESS as number | undefined) ?? 1_000,
    },
    retention: {
      webhookBodySeconds: (values.RETENTION_WEBHOOK_BODY_SECONDS as number | undefined) ?? 86_400,
      webhookAttemptsSeconds: (values.RETENTION_WEBHOOK_ATTEMPTS_SECONDS as number | undefined) ?? 30 * 86_400,
      refreshTokenSeconds: (values.RETENTION_REFRESH_TOKEN_SECONDS as number | undefined) ?? 7 * 86_400,
      sweepIntervalMs: (values.RETENTION_SWEEP_INTERVAL_MS as number | undefined) ?? 600_000,
    },
    webhooks: {
      maxEndpointsPerTenant: (values.WEBHOOK_MAX_ENDPOINTS_PER_TENANT as number | undefined) ?? 50,
      timeoutMs: (values.WEBHOOK_TIMEOUT_MS as number | undefined) ?? 5_000,
      concurrency: (values.WEBHOOK_CONCURRENCY as number | undefined) ?? 16,
      endpointConcurrency: (values.WEBHOOK_ENDPOINT_CONCURRENCY as number | undefined) ?? 8,
      retryBaseMs: (values.WEBHOOK_RETRY_BASE_MS as number | undefined) ?? 5_000,
      retryMaxDelayMs: (values.WEBHOOK_RETRY_MAX_DELAY_MS as number | undefined) ?? 3_600_000,
      retryWindowMs: (values.WEBHOOK_RETRY_WINDOW_MS as number | undefined) ?? 86_400_000,
      disableAfterFailures: (values.WEBHOOK_DISABLE_AFTER_FAILURES as number | undefined) ?? 50,
      pollIntervalMs: (values.WEBHOOK_POLL_INTERVAL_MS as number | undefined) ?? 1_000,
      secretOverlapSeconds: (values.WEBHOOK_SECRET_OVERLAP_SECONDS as number | undefined) ?? 86_400,
    },
  };
}

/** A copy of the configuration that is safe to log: sensitive values are replaced by a marker. */
export function redactConfig(config: GatewayConfig): unknown {
  return {
    ...config,
    database: { ...config.database, url: config.database.url ? '[redacted]' : undefined },
    redis: { url: config.redis.url ? '[redacted]' : undefined },
    attachments: {
      ...config.attachments,
      s3: config.attachments.s3 && {
        ...config.attachments.s3,
        secretAccessKey: config.attachments.s3.secretAccessKey ? '[redacted]' : undefined,
      },
    },
    secrets: {
      masterKey: config.secrets.masterKey ? '[redacted]' : undefined,
      jwtSecret: config.secrets.jwtSecret ? '[redacted]' : undefined,
    },
    mail: { ...config.mail, smtpUrl: config.mail.smtpUrl ? '[redacted]' : undefined },
  };
}

type Values = Partial<Record<VariableName, unknown>>;

function authConfig(values: Values, nodeEnv: NodeEnv): GatewayConfig['auth'] {
  const signupEnabled = (values.SIGNUP_ENABLED as boolean | undefined) ?? true;
  return {
    signupEnabled,
    loginRateLimitPerMinute: (values.LOGIN_RATE_LIMIT_PER_MINUTE as number | undefined) ?? 10,
    signupRateLimitPerHour:
      (values.SIGNUP_RATE_LIMIT_PER_HOUR as number | undefined) ?? (nodeEnv === 'test' ? 10_000 : 20),
    // Production must not tell strangers which emails have accounts; a closed signup cannot tell them anything.
    emailVerification:
      (values.ADMIN_EMAIL_VERIFICATION as boolean | undefined) ?? (nodeEnv === 'production' && signupEnabled),
  };
}

function mailConfig(values: Values, nodeEnv: NodeEnv): GatewayConfig['mail'] {
  const smtpUrl = values.SMTP_URL as string | undefined;
  const fallback: MailTransport = smtpUrl ? 'smtp' : nodeEnv === 'production' ? 'none' : 'log';
  return {
    transport: (values.MAILER as MailTransport | undefined) ?? fallback,
    smtpUrl,
    from: values.MAIL_FROM as string | undefined,
  };
}

/** Mail settings that cannot work, or that would give accounts away in production; one line each. */
function mailProblems(env: Env, nodeEnv: NodeEnv, auth: GatewayConfig['auth'], mail: GatewayConfig['mail']): string[] {
  const problems: string[] = [];
  if (mail.transport === 'smtp') {
    if (!present(env, 'SMTP_URL')) problems.push('SMTP_URL is required when MAILER=smtp');
    if (!present(env, 'MAIL_FROM')) problems.push('MAIL_FROM is required when MAILER=smtp');
  }
  if (nodeEnv !== 'production') return problems;
  if (mail.transport === 'log') {
    problems.push(
      'MAILER=log writes one-time tokens to the log and is refused when NODE_ENV=production: set MAILER=smtp with SMTP_URL and MAIL_FROM',
    );
  } else if (mail.transport === 'none' && auth.emailVerification) {
    problems.push(
      'ADMIN_EMAIL_VERIFICATION is on (the production default) but MAILER=none cannot send its mails: set MAILER=smtp with SMTP_URL and MAIL_FROM, or SIGNUP_ENABLED=false to close signup, or ADMIN_EMAIL_VERIFICATION=false to accept that signup tells whether an email has an account',
    );
  }
  if (mail.transport === 'smtp' && !present(env, 'PUBLIC_BASE_URL')) {
    problems.push('PUBLIC_BASE_URL is required when NODE_ENV=production and MAILER=smtp (mailed links point there)');
  }
  return problems;
}

const present = (env: Env, name: VariableName) => env[name] !== undefined && env[name] !== '';

/** Combinations of the blob store variables that cannot work, one line each. */
function attachmentProblems(env: Env): string[] {
  const problems: string[] = [];
  if (env.BLOB_STORE === 's3' && !present(env, 'S3_BUCKET')) problems.push('BLOB_STORE=s3 needs S3_BUCKET');
  if (env.BLOB_STORE === 'ipfs' && !present(env, 'IPFS_API_URL')) problems.push('BLOB_STORE=ipfs needs IPFS_API_URL');
  if (present(env, 'IPFS_API_URL') && !present(env, 'IPFS_GATEWAY_URL'))
    problems.push('IPFS_GATEWAY_URL is required when IPFS_API_URL is set');
  if (present(env, 'S3_ACCESS_KEY_ID') !== present(env, 'S3_SECRET_ACCESS_KEY')) {
    problems.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together');
  }
  return problems;
}

const patterns = (raw: unknown, fallback: string) =>
  ((raw as string | undefined) ?? fallback)
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);

function attachmentsConfig(values: Partial<Record<VariableName, unknown>>): AttachmentsConfig {
  const bucket = values.S3_BUCKET as string | undefined;
  const ipfsApi = (values.IPFS_API_URL as string | undefined)?.replace(/\/+$/, '');
  const s3 = bucket
    ? {
        endpoint: (values.S3_ENDPOINT as string | undefined)?.replace(/\/+$/, ''),
        bucket,
        region: (values.S3_REGION as string | undefined) ?? 'us-east-1',
        accessKeyId: values.S3_ACCESS_KEY_ID as string | undefined,
        secretAccessKey: values.S3_SECRET_ACCESS_KEY as string | undefined,
        forcePathStyle: (values.S3_FORCE_PATH_STYLE as boolean | undefined) ?? false,
        publicBaseUrl: (values.S3_PUBLIC_BASE_URL as string | undefined)?.replace(/\/+$/, ''),
        presignTtlSeconds: (values.S3_PRESIGN_TTL_SECONDS as number | undefined) ?? 604_800,
      }
    : undefined;
  const ipfs = ipfsApi
    ? { apiUrl: ipfsApi, gatewayUrl: (values.IPFS_GATEWAY_URL as string).replace(/\/+$/, '') }
    : undefined;
  return {
    defaultStore: (values.BLOB_STORE as BlobStoreName | undefined) ?? (s3 ? 's3' : ipfs ? 'ipfs' : 'fs'),
    s3,
    ipfs,
    maxBytes: (values.ATTACHMENT_MAX_BYTES as number | undefined) ?? 100 * 1024 * 1024,
    mimeAllow: patterns(values.ATTACHMENT_MIME_ALLOW, '*'),
    mimeDeny: patterns(values.ATTACHMENT_MIME_DENY, ''),
    fetchTimeoutMs: (values.ATTACHMENT_FETCH_TIMEOUT_MS as number | undefined) ?? 30_000,
    uploadTtlSeconds: (values.ATTACHMENT_UPLOAD_TTL_SECONDS as number | undefined) ?? 86_400,
  };
}
