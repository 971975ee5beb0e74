import { Inject, Injectable } from '@nestjs/common';
import { OutboundPolicy, sendPinned } from '../../common/outbound/index.js';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import type { AttemptResult } from './delivery-store.js';
import { webhookHeaders } from './webhook-headers.js';

export { WEBHOOK_USER_AGENT } from './webhook-headers.js';

/** How much of a receiver's answer the delivery log keeps. */
export const RESPONSE_CAPTURE_BYTES = 1024;

export interface WebhookRequest {
  readonly url: string;
  /** Current secret first, then the previous one during a rotation's overlap; each signs. */
  readonly secrets: readonly string[];
  readonly eventId: string;
  readonly attempt: number;
  readonly body: string;
}

/** Checks the URL against the outbound policy again (DNS may have changed), signs and sends one attempt. */
@Injectable()
export class WebhookSender {
  private readonly timeoutMs: number;

  constructor(
    private readonly policy: OutboundPolicy,
    @Inject(GATEWAY_RUNTIME) runtime: GatewayRuntime,
  ) {
    this.timeoutMs = runtime.config.webhooks.timeoutMs;
  }

  /** Never throws: every failure becomes an AttemptResult with an error line. */
  async send(request: WebhookRequest): Promise<AttemptResult & { ok: boolean }> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    let headers: Record<string, string> | null = null;
    try {
      const target = await this.policy.check(request.url);
      const timestamp = Math.floor(Date.now() / 1000);
      headers = webhookHeaders({
        eventId: request.eventId,
        attempt: request.attempt,
        body: request.body,
        secrets: request.secrets,
        timestamp,
      });
      const response = await sendPinned(target, {
        method: 'POST',
        timeoutMs: this.timeoutMs,
        body: request.body,
        headers,
        captureBytes: RESPONSE_CAPTURE_BYTES,
      });
      const ok = response.statusCode >= 200 && response.statusCode < 300;
      return {
        ok,
        statusCode: response.statusCode,
        error: ok ? null : describeStatus(response.statusCode),
        durationMs: elapsed(),
        requestHeaders: headers,
        responseBody: response.bodyPrefix ? responseText(response.bodyPrefix) : null,
      };
    } catch (error) {
      return {
        ok: false,
        statusCode: null,
        error: errorLine(error),
        durationMs: elapsed(),
        requestHeaders: headers,
        responseBody: null,
      };
    }
  }
}

/** UTF-8 text of the captured bytes, without a character cut in half at the end or NULs (Postgres text refuses them). */
function responseText(bytes: Buffer): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes, { stream: true }).replaceAll('\0', '');
}

function describeStatus(status: number): string {
  if (status >= 300 && status < 400) return `HTTP ${status}: redirects are not followed`;
  return `HTTP ${status}`;
}

function errorLine(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, 300);
  const code = (error as NodeJS.ErrnoException).code;
  return (code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message).slice(0, 300);
}
