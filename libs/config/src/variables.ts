import { isIP } from 'node:net';
import { z } from 'zod';
import { XMTP_ENVS } from './xmtp-networks.js';

/**
 * Every environment variable the gateway reads, with its validation rule and documentation.
 * The README's configuration table is generated from this list (`npm run docs:config`) and a test keeps them in step.
 */
export interface VariableSpec {
  readonly schema: z.ZodType;
  readonly description: string;
  /** What happens when the variable is absent, in words (for the README). */
  readonly fallback: string;
  /** Sensitive values are never logged nor echoed in validation errors. */
  readonly sensitive?: boolean;
}

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be one of true, false, 1, 0, yes, no' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce
  .number({ error: 'must be an integer between 0 and 65535' })
  .int({ error: 'must be an integer between 0 and 65535' })
  .min(0, { error: 'must be an integer between 0 and 65535' })
  .max(65535, { error: 'must be an integer between 0 and 65535' });

const url = (protocols: readonly string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol.replace(/:$/, ''));
      } catch {
        return false;
      }
    },
    { error: `must be a URL with scheme ${protocols.join(' or ')}` },
  );

const intBetween = (min: number, max: number) =>
  z.coerce
    .number({ error: `must be an integer between ${min} and ${max}` })
    .int({ error: `must be an integer between ${min} and ${max}` })
    .min(min, { error: `must be an integer between ${min} and ${max}` })
    .max(max, { error: `must be an integer between ${min} and ${max}` });
const positiveInt = (max: number) => intBetween(1, max);

/** A host name, an IPv4/IPv6 address, or a CIDR of either. */
function isAllowlistEntry(entry: string): boolean {
  const [address, prefix, extra] = entry.split('/');
  if (extra !== undefined || !address) return false;
  const family = isIP(address);
  if (prefix !== undefined) {
    if (family === 0 || !/^\d{1,3}$/.test(prefix)) return false;
    return Number(prefix) <= (family === 4 ? 32 : 128);
  }
  return (
    family !== 0 ||
    /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(address)
  );
}

/**
 * TRUST_PROXY: `true`/`false`/`yes`/`no` (as before), a hop count (`0` trusts nothing, `1` the one proxy in front), or a
 * comma-separated list of proxy addresses or CIDRs. Digits were booleans once; a count is the narrower reading.
 */
export type TrustProxySetting = boolean | number | readonly string[];

function isAddressOrCidr(entry: string): boolean {
  const [address, prefix, extra] = entry.split('/');
  const family = address ? isIP(address) : 0;
  if (extra !== undefined || family === 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

const trustProxy = z.string().transform((raw, context): TrustProxySetting => {
  const value = raw.trim().toLowerCase();
  if (value === 'true' || value === 'yes') return true;
  if (value === 'false' || value === 'no') return false;
  if (/^\d{1,2}$/.test(value)) return Number(value) === 0 ? false : Number(value);
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length > 0 && entries.every(isAddressOrCidr)) return entries;
  context.addIssue({
    code: 'custom',
    message: 'must be true, false, a hop count (0-99) or a comma-separated list of IP addresses or CIDRs',
  });
  return z.NEVER;
});

/** `type/subtype`, `type/*` or `*`. */
function isMimePattern(entry: string): boolean {
  return entry === '*' || /^[a-z0-9][a-z0-9!#$&^_.+-]*\/(?:\*|[a-z0-9][a-z0-9!#$&^_.+-]*)$/i.test(entry);
}

export const VARIABLES = {
  NODE_ENV: {
    schema: z.enum(['development', 'test', 'production'], { error: 'must be development, test or production' }),
    description: 'Runtime mode. `production` refuses generated secrets and the embedded database.',
    fallback: '`development`',
  },
  HOST: {
    schema: z.string().trim().min(1, { error: 'must not be empty' }),
    description: 'Interface the HTTP server binds to.',
    fallback: '`0.0.0.0`',
  },
  PORT: {
    schema: port,
    description: 'HTTP port (0 picks a free port).',
    fallback: '`3000`',
  },
  PUBLIC_BASE_URL: {
    schema: url(['http', 'https']),
    description: 'Absolute base of links the gateway hands out.',
    fallback: '`http://localhost:<PORT>`',
  },
  INTERNAL_URL: {
    schema: url(['http', 'https']),
    description:
      'How other gateway replicas reach this one; requests for an identity another replica holds are forwarded there.',
    fallback: 'the address the gateway listens on',
  },
  REPLICA_FORWARD_TIMEOUT_MS: {
    schema: positiveInt(600_000),
    description:
      'How long a request forwarded to the replica holding its identity may take (to the start of the answer) before it fails with 504.',
    fallback: '`30000`',
  },
  TRUST_PROXY: {
    schema: trustProxy,
    description:
      'Which reverse proxies may set the client address (`X-Forwarded-For`) and `-Proto`: a hop count (`1` = the one proxy in front of the gateway), or a comma-separated list of proxy IPs/CIDRs. `true` trusts every hop, so the client picks its own address with a forged header: discouraged.',
    fallback: '`false` (the socket address is the client)',
  },
  CORS_ORIGINS: {
    schema: z.string(),
    description: 'Comma-separated origins allowed by CORS (`*` for any).',
    fallback: 'CORS disabled',
  },
  METRICS_TOKEN: {
    schema: z.string().min(16, { error: 'must be at least 16 characters' }),
    description:
      'Bearer token `/metrics` requires (`Authorization: Bearer <token>`). In production `/metrics` answers 404 on the public port unless this is set; `METRICS_PORT` serves it on its own listener instead.',
    fallback: 'outside production: `/metrics` is open; in production: not served on the public port',
    sensitive: true,
  },
  METRICS_PORT: {
    schema: port,
    description:
      'Serve `/metrics` on its own listener on this port (bound to `HOST`; keep it off the public network) instead of the public one.',
    fallback: '`/metrics` on the public port (see `METRICS_TOKEN`)',
  },
  API_DOCS: {
    schema: booleanFlag,
    description: 'Serve the OpenAPI document and browser at `/docs` and answer GraphQL introspection.',
    fallback: '`true`, except with `NODE_ENV=production`',
  },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    }),
    description: 'Minimum level of the JSON log lines written to stdout.',
    fallback: '`info`',
  },
  DATA_DIR: {
    schema: z.string().trim().min(1, { error: 'must not be empty' }),
    description: 'Folder for embedded PostgreSQL, the in-process devnet, generated secrets and identity databases.',
    fallback: '`./data`',
  },
  DATABASE_URL: {
    schema: url(['postgres', 'postgresql']),
    description: 'PostgreSQL connection string.',
    fallback: 'embedded PostgreSQL under `DATA_DIR/postgres`',
    sensitive: true,
  },
  MIGRATE_ON_START: {
    schema: booleanFlag,
    description: 'Apply pending migrations when the gateway starts.',
    fallback: '`true`',
  },
  REDIS_URL: {
    schema: url(['redis', 'rediss']),
    description: 'Redis connection string for the event bus.',
    fallback: 'in-process event bus (single replica only)',
    sensitive: true,
  },
  BLOB_STORE: {
    schema: z.enum(['fs', 's3', 'ipfs'], { error: 'must be fs, s3 or ipfs' }),
    description: 'Default store for encrypted attachments (a tenant may pick another configured one).',
    fallback:
      '`s3` when `S3_BUCKET` is set, else `ipfs` when `IPFS_API_URL` is set, else `fs` (files under DATA_DIR served at `/blobs/:key`)',
  },
  S3_ENDPOINT: {
    schema: url(['http', 'https']),
    description: 'S3-compatible endpoint (MinIO, R2, …).',
    fallback: 'AWS S3 in `S3_REGION`',
  },
  S3_BUCKET: {
    schema: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
      error: 'must be an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)',
    }),
    description: 'Bucket for attachment ciphertext; setting it enables the S3 store.',
    fallback: 'no S3 store',
  },
  S3_REGION: {
    schema: z.string().regex(/^[a-z0-9-]{1,64}$/, { error: 'must be a region name such as us-east-1' }),
    description: 'S3 region (used for signing, also with other endpoints).',
    fallback: '`us-east-1`',
  },
  S3_ACCESS_KEY_ID: {
    schema: z.string().min(1),
    description: 'S3 access key id (with `S3_SECRET_ACCESS_KEY`).',
    fallback: "the AWS SDK's default credential chain",
  },
  S3_SECRET_ACCESS_KEY: {
    schema: z.string().min(1),
    description: 'S3 secret access key (with `S3_ACCESS_KEY_ID`).',
    fallback: "the AWS SDK's default credential chain",
    sensitive: true,
  },
  S3_FORCE_PATH_STYLE: {
    schema: booleanFlag,
    description:
      'Address buckets as `endpoint/bucket/key` (MinIO and most self-hosted servers) instead of `bucket.endpoint/key`.',
    fallback: '`false`',
  },
  S3_PUBLIC_BASE_URL: {
    schema: url(['http', 'https']),
    description:
      'Public base URL of the bucket (or a CDN before it): attachment URLs become `<base>/<key>` and never expire.',
    fallback: 'presigned GET URLs that live `S3_PRESIGN_TTL_SECONDS`',
  },
  S3_PRESIGN_TTL_SECONDS: {
    schema: positiveInt(604_800),
    description: 'Lifetime of presigned attachment URLs; recipients must download before it ends.',
    fallback: '`604800` (7 days, the SigV4 maximum)',
  },
  IPFS_API_URL: {
    schema: url(['http', 'https']),
    description:
      'Kubo RPC API (e.g. `http://kubo:5001`); setting it enables the IPFS store (files are added and pinned).',
    fallback: 'no IPFS store',
  },
  IPFS_GATEWAY_URL: {
    schema: url(['http', 'https']),
    description: 'HTTP gateway base for IPFS attachment URLs (`<base>/ipfs/<cid>`). Required with `IPFS_API_URL`.',
    fallback: 'none (required with `IPFS_API_URL`)',
  },
  ATTACHMENT_MAX_BYTES: {
    schema: positiveInt(5 * 1024 ** 3),
    description:
      'Largest attachment accepted per file (tenants may have a lower limit), and largest ciphertext fetched.',
    fallback: '`104857600` (100 MiB)',
  },
  ATTACHMENT_MIME_ALLOW: {
    schema: z.string().refine((value) => value.split(',').every((entry) => isMimePattern(entry.trim())), {
      error: 'must be comma-separated MIME types or patterns (e.g. image/*,application/pdf)',
    }),
    description: 'MIME types attachments may have (`type/subtype`, `type/*` or `*`); others are refused with 415.',
    fallback: 'every type',
  },
  ATTACHMENT_MIME_DENY: {
    schema: z.string().refine((value) => value.split(',').every((entry) => isMimePattern(entry.trim())), {
      error: 'must be comma-separated MIME types or patterns (e.g. application/x-msdownload,video/*)',
    }),
    description: 'MIME types refused with 415 even when allowed.',
    fallback: 'none',
  },
  ATTACHMENT_FETCH_TIMEOUT_MS: {
    schema: positiveInt(600_000),
    description: 'How long fetching a received remote attachment may take before the gateway answers 502.',
    fallback: '`30000`',
  },
  ATTACHMENT_UPLOAD_TTL_SECONDS: {
    schema: positiveInt(7 * 24 * 3600),
    description:
      'How long a file uploaded with `POST /v1/identities/:id/attachments` waits to be sent (GraphQL `sendAttachment`) before it and its blob are deleted.',
    fallback: '`86400` (a day)',
  },
  XMTP_ENV: {
    schema: z.enum(XMTP_ENVS, { error: `must be one of ${XMTP_ENVS.join(', ')}` }),
    description:
      'XMTP network the hosted identities live on: `local`, `dev`, `production` (every SDK), or the decentralized `testnet-staging`, `testnet-dev`, `testnet`, `mainnet` (`@xmtp/node-sdk` 6 only, with `XMTP_GATEWAY_HOST`). A network the running SDK cannot serve is refused at start.',
    fallback: '`local`',
  },
  XMTP_API_URL: {
    schema: url(['http', 'https']),
    description: 'gRPC endpoint of the XMTP node.',
    fallback:
      'with `XMTP_ENV=local`: an in-process devnet under `DATA_DIR/devnet`; otherwise the SDK default for the network (none on a decentralized one: the SDK reaches it through `XMTP_GATEWAY_HOST`)',
  },
  XMTP_GATEWAY_HOST: {
    schema: url(['http', 'https']),
    description:
      "URL of the operator's XMTP Gateway Service, the proxy that pays the decentralized network's fees (the SDK's `gatewayHost`). Required with a decentralized `XMTP_ENV`; `@xmtp/node-sdk` 6 only. `/readyz` shows its origin.",
    fallback: 'none (the centralized networks need none)',
  },
  XMTP_SDK: {
    schema: z.enum(['auto', '5', '6'], { error: 'must be auto, 5 or 6' }),
    description:
      'Which `@xmtp/node-sdk` major runs: `6` (6.0.0, needs glibc >= 2.38: Debian 13, the Docker image, or `.cache/glibc/bin/node` from `npm run glibc:fetch`), `5` (5.5.0), or `auto`: 6 when its bindings load in this process, else 5 with the reason logged. A database opened by SDK 6 is refused under SDK 5.',
    fallback: '`auto`',
  },
  DEVNET_PORT: {
    schema: port,
    description:
      'Port of the in-process devnet (0 picks a free port). Its history-sync service (device-sync archives) listens on this port + 2 (a free port with 0).',
    fallback: '`5556`',
  },
  GATEWAY_MASTER_KEY: {
    schema: z
      .string()
      .regex(/^(?:[0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, { error: 'must be 32 bytes as 64 hex characters or base64' }),
    description: 'Master key that wraps every identity data key (32 bytes, hex or base64). Required in production.',
    fallback: 'generated once as `DATA_DIR/master.key`, with a warning',
    sensitive: true,
  },
  JWT_SECRET: {
    schema: z.string().min(32, { error: 'must be at least 32 characters' }),
    description: 'Secret that signs admin and identity JWTs. Required in production.',
    fallback: 'generated once as `DATA_DIR/jwt.secret`',
    sensitive: true,
  },
  SIGNUP_ENABLED: {
    schema: booleanFlag,
    description: 'Whether `POST /v1/admin/signup` may create new tenants.',
    fallback: '`true`',
  },
  LOGIN_RATE_LIMIT_PER_MINUTE: {
    schema: positiveInt(10_000),
    description:
      'Failed login attempts allowed per minute for one email address from one client IP, and for one client IP; one email address from all IPs together gets 10 times this. Counted in Redis across replicas when `REDIS_URL` is set.',
    fallback: '`10`',
  },
  SIGNUP_RATE_LIMIT_PER_HOUR: {
    schema: positiveInt(10_000),
    description: 'Signups (and password-reset requests) allowed per hour from one client IP.',
    fallback: '`20`; with `NODE_ENV=test`: `10000` (test suites sign up many tenants from one address)',
  },
  ADMIN_EMAIL_VERIFICATION: {
    schema: booleanFlag,
    description:
      'Prove admin emails by mail: signup answers 202 and mails a confirmation link (or, for an email that has an account, a note saying so), and invitation tokens go to the invitee by mail instead of the inviter, so no answer tells whether an email has an account. Needs a `MAILER`.',
    fallback:
      '`false` (signup answers the session at once and an email that has an account answers 409); with `NODE_ENV=production`: `true` unless `SIGNUP_ENABLED=false`, and then a `MAILER` that sends is required',
  },
  MAILER: {
    schema: z.enum(['smtp', 'log', 'none'], { error: 'must be smtp, log or none' }),
    description:
      'How mail to admins (password resets, signup confirmations, invitations) is sent. `smtp` sends through `SMTP_URL` from `MAIL_FROM`. `log` writes each message, links and tokens included, to the log: development only, refused with `NODE_ENV=production`. `none` drops them.',
    fallback: '`smtp` when `SMTP_URL` is set; otherwise `log`, and with `NODE_ENV=production` `none`',
  },
  SMTP_URL: {
    schema: url(['smtp', 'smtps']),
    description:
      'SMTP relay for `MAILER=smtp`: `smtp://user:password@host:587` (STARTTLS, required when the URL carries credentials) or `smtps://user:password@host:465` (TLS from the start); URL-encode special characters. Never logged.',
    fallback: 'none (required with `MAILER=smtp`)',
    sensitive: true,
  },
  MAIL_FROM: {
    schema: z.string().regex(/^(?:[^<>\r\n]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/, {
      error: 'must be an address (ops@example.com) or a name and address (Mailroom <ops@example.com>)',
    }),
    description: 'Sender of admin mails with `MAILER=smtp`, e.g. `Mailroom <no-reply@example.com>`.',
    fallback: 'none (required with `MAILER=smtp`)',
  },
  RATE_LIMIT_PER_MINUTE: {
    schema: positiveInt(1_000_000),
    description:
      'Request budget of one credential (API key, admin or identity token) per minute; reads cost 1, writes 2 or more.',
    fallback: '`1200`',
  },
  RATE_LIMIT_TENANT_PER_MINUTE: {
    schema: positiveInt(10_000_000),
    description: 'Request budget of a whole tenant per minute, across its credentials and replicas.',
    fallback: '`6000`',
  },
  IDENTITY_NETWORK_BUDGET_SHARE: {
    schema: z.coerce
      .number({ error: 'must be a number above 0 and at most 1' })
      .gt(0, { error: 'must be a number above 0 and at most 1' })
      .max(1, { error: 'must be a number above 0 and at most 1' }),
    description:
      "Share of XMTP's per-client limits (3,000 writes and 20,000 reads per 5 minutes) an identity may use before Mailroom answers 429.",
    fallback: '`0.9`',
  },
  XMTP_MAX_LIVE_CLIENTS: {
    schema: positiveInt(100_000),
    description: 'Most XMTP clients kept open at once; the least recently used is closed beyond it.',
    fallback: '`1000`',
  },
  XMTP_DB_POOL_SIZE: {
    schema: positiveInt(25),
    description:
      "Most SQLite connections libxmtp opens for one live client's database; each keeps its own page cache (up to ~8 MiB), so this bounds a busy client's memory. SDK 6 only (node-sdk 5.5 cannot pass it: always 25).",
    fallback: '`4`',
  },
  XMTP_SQLITE_MEMORY_MB: {
    schema: intBetween(0, 1_048_576),
    description:
      "Soft limit on the memory libxmtp's SQLite holds in this process, all live clients' page caches together (SQLite's soft heap limit: past it, caches reuse their least recently used pages instead of growing). 0: no limit. Linux.",
    fallback: '`256`',
  },
  XMTP_SQLITE_MMAP_MB: {
    schema: intBetween(0, 2_047),
    description:
      "Most memory-mapped I/O per libxmtp SQLite connection (caps libxmtp's own 128 MiB). 0: off, reads go through the OS page cache; mapped, every database page read stays in the gateway's RSS, growing with what the identities store. Linux.",
    fallback: '`0`',
  },
  BROADCAST_PACE_MS: {
    schema: intBetween(0, 60_000),
    description: "Pause between two sends of one broadcast, on top of the identity's XMTP write budget.",
    fallback: '`0`',
  },
  BROADCAST_LEASE_MS: {
    schema: z.coerce
      .number({ error: 'must be an integer between 1000 and 600000' })
      .int({ error: 'must be an integer between 1000 and 600000' })
      .min(1_000, { error: 'must be an integer between 1000 and 600000' })
      .max(600_000, { error: 'must be an integer between 1000 and 600000' }),
    description: "A replica's hold on a running broadcast; a stopped replica's broadcast resumes elsewhere after it.",
    fallback: '`10000`',
  },
  SHUTDOWN_GRACE_MS: {
    schema: positiveInt(600_000),
    description: 'How long SIGTERM waits for in-flight requests before closing connections.',
    fallback: '`10000`',
  },
  OUTBOUND_ALLOWLIST: {
    schema: z.string().refine((value) => value.split(',').every((entry) => isAllowlistEntry(entry.trim())), {
      error: 'must be comma-separated host names, IP addresses or CIDRs (e.g. 127.0.0.1,10.0.0.0/8,hooks.internal)',
    }),
    description:
      'Hosts, IP addresses or CIDRs that webhooks and attachment fetches may reach although they are private, loopback or link-local.',
    fallback: 'none: only public addresses',
  },
  WEBHOOK_TIMEOUT_MS: {
    schema: positiveInt(60_000),
    description:
      'How long one webhook request may take (connect to last byte of the answer) before it counts as failed.',
    fallback: '`5000`',
  },
  WEBHOOK_CONCURRENCY: {
    schema: positiveInt(1_000),
    description: 'Webhook requests one gateway process has in flight at once, over all endpoints.',
    fallback: '`16`',
  },
  WEBHOOK_ENDPOINT_CONCURRENCY: {
    schema: positiveInt(100),
    description:
      'Webhook requests in flight at once to one endpoint (8 keeps up with a receiver answering in 50 ms at 160 events/s).',
    fallback: '`8`',
  },
  WEBHOOK_RETRY_BASE_MS: {
    schema: positiveInt(3_600_000),
    description:
      'Delay before the first retry of a failed webhook delivery; each later retry doubles it (with jitter).',
    fallback: '`5000`',
  },
  WEBHOOK_RETRY_MAX_DELAY_MS: {
    schema: positiveInt(86_400_000),
    description: 'Longest delay between two attempts of one webhook delivery.',
    fallback: '`3600000` (1 h)',
  },
  WEBHOOK_RETRY_WINDOW_MS: {
    schema: positiveInt(604_800_000),
    description:
      'How long a webhook delivery is retried before it is marked failed (manual retry starts a new window).',
    fallback: '`86400000` (24 h)',
  },
  WEBHOOK_DISABLE_AFTER_FAILURES: {
    schema: positiveInt(100_000),
    description:
      'Consecutive failed attempts to one endpoint, with no success between, after which the endpoint is disabled.',
    fallback: '`50`',
  },
  WEBHOOK_POLL_INTERVAL_MS: {
    schema: positiveInt(600_000),
    description:
      'How often each process looks for due webhook deliveries and reclaims attempts a stopped process left behind.',
    fallback: '`1000`',
  },
  WEBHOOK_SECRET_OVERLAP_SECONDS: {
    schema: intBetween(0, 2_592_000),
    description:
      'After a webhook secret rotation, how long the previous secret keeps signing beside the new one (0: it stops at once).',
    fallback: '`86400` (24 h)',
  },
  EVENT_RECONCILE_INTERVAL_MS: {
    schema: positiveInt(86_400_000),
    description:
      'How often every streamed identity is synced and replayed from its event cursor, to catch what a healthy-looking XMTP stream missed.',
    fallback: '`60000`',
  },
  EVENT_REPLAY_LOOKBACK_MS: {
    schema: positiveInt(86_400_000),
    description:
      'How far before the newest emitted event a replay looks for messages that arrived late or were missed (duplicates are dropped by id).',
    fallback: '`300000` (5 min)',
  },
  EVENT_SWEEP_BATCH: {
    schema: positiveInt(10_000),
    description:
      'Identities with a webhook that the rotating catch-up sweep visits per batch (those not streamed in this process are synced and replayed).',
    fallback: '`50`',
  },
  EVENT_SWEEP_CONCURRENCY: {
    schema: positiveInt(64),
    description: 'Identities the rotating catch-up sweep syncs at once.',
    fallback: '`4`',
  },
  EVENT_SWEEP_PAUSE_MS: {
    schema: positiveInt(3_600_000),
    description: 'Pause between two batches of the rotating catch-up sweep.',
    fallback: '`1000`',
  },
  WEBHOOK_MAX_ENDPOINTS_PER_TENANT: {
    schema: positiveInt(10_000),
    description: 'Webhook endpoints one tenant may register; one more answers 409.',
    fallback: '`50`',
  },
  WALLET_PENDING_PER_TENANT: {
    schema: positiveInt(100_000),
    description:
      'Wallet-owned identities one tenant may have waiting for their creation signature; one more answers 409.',
    fallback: '`20`',
  },
  WALLET_PENDING_PER_PROCESS: {
    schema: positiveInt(1_000_000),
    description:
      'Wallet signature requests one gateway process keeps waiting at once (each holds a built XMTP client); more answer 503.',
    fallback: '`1000`',
  },
  RETENTION_WEBHOOK_BODY_SECONDS: {
    schema: positiveInt(365 * 86_400),
    description:
      'How long a delivered webhook keeps its request body (it holds message plaintext) after it succeeded; the delivery row and its status stay.',
    fallback: '`86400` (a day)',
  },
  RETENTION_WEBHOOK_ATTEMPTS_SECONDS: {
    schema: positiveInt(3_650 * 86_400),
    description: 'How long the log of finished webhook attempts is kept.',
    fallback: '`2592000` (30 days)',
  },
  RETENTION_REFRESH_TOKEN_SECONDS: {
    schema: positiveInt(3_650 * 86_400),
    description:
      'How long expired or revoked admin refresh tokens are kept (to recognise reuse) before they are deleted.',
    fallback: '`604800` (7 days)',
  },
  RETENTION_SWEEP_INTERVAL_MS: {
    schema: positiveInt(86_400_000),
    description: 'How often each process purges what retention lets go (also expired idempotency records, kept 24 h).',
    fallback: '`600000` (10 min)',
  },
} as const satisfies Record<string, VariableSpec>;

export type VariableName = keyof typeof VARIABLES;
