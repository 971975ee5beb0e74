import { Inject, Injectable } from '@nestjs/common';
import { OutboundPolicy, sendPinned } from '../../common/outbound/index.js';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import type { AttemptResult } from './delivery-store.js';
import { signMailroomPayload } from './signature.js';

export interface WebhookRequest {
  readonly url: string;
  readonly secret: string;
  readonly eventId: string;
  readonly attempt: number;
  readonly body: string;
}

export const WEBHOOK_USER_AGENT = 'Mailroom-Webhooks/1';

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
    try {
      const target = await this.policy.check(request.url);
      const timestamp = Math.floor(Date.now() / 1000);
      const response = await sendPinned(target, {
        method: 'POST',
        timeoutMs: this.timeoutMs,
        body: request.body,
        headers: {
          'content-type': 'application/json',
          'user-agent': WEBHOOK_USER_AGENT,
          'mailroom-event-id': request.eventId,
          'mailroom-attempt': String(request.attempt),
          'mailroom-timestamp': String(timestamp),
          'mailroom-signature': signMailroomPayload(request.secret, timestamp, request.body),
        },
      });
      const ok = response.statusCode >= 200 && response.statusCode < 300;
      return { ok, statusCode: response.statusCode, error: ok ? null : describeStatus(response.statusCode), durationMs: elapsed() };
    } catch (error) {
      return { ok: false, statusCode: null, error: errorLine(error), durationMs: elapsed() };
    }
  }
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
