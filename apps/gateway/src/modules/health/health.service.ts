import { xmtpSdk } from '@mailroom/xmtp';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';

export type CheckStatus = 'up' | 'down';

export interface ReadinessReport {
  status: 'ready' | 'not_ready';
  checks: Record<string, { status: CheckStatus; error?: string; durationMs: number; gating?: false }>;
  /** Non-gating checks that are down: the gateway serves, but what needs them fails (e.g. sends when XMTP is down). */
  degraded: string[];
  /** The @xmtp/node-sdk version this process runs (XMTP_SDK). */
  xmtpSdk: string;
  /** The XMTP network this process uses: origins only (no credentials, paths or queries). */
  xmtpNetwork: XmtpNetworkReport;
}

export interface XmtpNetworkReport {
  env: string;
  /** The node the clients use; null when the SDK chooses it (a decentralized network without XMTP_API_URL). */
  node: string | null;
  /** The operator's XMTP Gateway Service (XMTP_GATEWAY_HOST); null on a network that needs none. */
  gatewayHost: string | null;
}

const CHECK_TIMEOUT_MS = 3_000;

@Injectable()
export class HealthService {
  private readonly logger = new Logger('Readiness');
  private draining = false;

  constructor(@Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime) {}

  /** After SIGTERM the gateway reports not-ready so load balancers stop sending it traffic. */
  startDraining(): void {
    this.draining = true;
  }

  async readiness(): Promise<ReadinessReport> {
    const entries = await Promise.all(
      this.runtime.readinessChecks.map(async ({ name, check, gating }) => {
        const started = performance.now();
        const marker = gating === false ? { gating: false as const } : {};
        try {
          await withTimeout(check(), CHECK_TIMEOUT_MS);
          return [name, { status: 'up' as const, durationMs: elapsed(started), ...marker }] as const;
        } catch (error) {
          // The raw error can name hosts, users or paths: it goes to the log, the probe's answer says what kind it is.
          this.logger.warn({ err: error, check: name }, 'readiness check failed');
          return [
            name,
            { status: 'down' as const, error: publicReason(error), durationMs: elapsed(started), ...marker },
          ] as const;
        }
      }),
    );
    const checks: ReadinessReport['checks'] = Object.fromEntries(entries);
    if (this.draining) checks.shutdown = { status: 'down', error: 'the gateway is shutting down', durationMs: 0 };
    const down = Object.entries(checks).filter(([, c]) => c.status === 'down');
    const ready = down.every(([, c]) => c.gating === false);
    return {
      status: ready ? 'ready' : 'not_ready',
      checks,
      degraded: down.filter(([, c]) => c.gating === false).map(([name]) => name),
      xmtpSdk: xmtpSdk().version,
      xmtpNetwork: {
        env: this.runtime.xmtp.env,
        node: origin(this.runtime.xmtp.apiUrl),
        gatewayHost: origin(this.runtime.xmtp.gatewayHost),
      },
    };
  }
}

/** Scheme, host and port of a URL: what /readyz may show of an endpoint (a URL can carry credentials or tokens). */
export function origin(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.origin === 'null' ? null : parsed.origin;
  } catch {
    return null;
  }
}

class CheckTimeoutError extends Error {}

const REFUSED_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** A reason safe to show anyone who can reach /readyz. */
function publicReason(error: unknown): string {
  if (error instanceof CheckTimeoutError) return 'no answer in time';
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && REFUSED_CODES.has(code)) return 'unreachable';
  return 'unavailable (details in the gateway log)';
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckTimeoutError(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
