import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { OutboundTarget } from './outbound-policy.js';

export interface PinnedRequest {
  readonly method: 'POST' | 'GET';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /**
   * Deadline of the whole exchange, from connect to the last byte of the answer: the promise settles by the status line
   * (or the captured bytes), and a body still arriving at the deadline is cut off.
   */
  readonly timeoutMs: number;
  /** Keep up to this many bytes of the answer's body (the rest is drained and discarded). */
  readonly captureBytes?: number;
}

export interface PinnedResponse {
  readonly statusCode: number;
  /** Time to the status line. */
  readonly durationMs: number;
  /** The first `captureBytes` bytes of the answer's body (fewer when it was shorter or the timeout came first). */
  readonly bodyPrefix?: Buffer;
}

// Keep-alive pools keyed by host:port; a pooled socket was connected to an address that passed the policy.
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

/** A lookup that answers with the already-checked address only, so the connection goes where the policy looked. */
function pinnedLookup(target: OutboundTarget): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  }) as LookupFunction;
}

/**
 * Sends one request to a checked target and resolves with the status as soon as the status line arrives, or with
 * `captureBytes` set once that much of the body (or all of a shorter one) arrived; the rest is drained and discarded.
 * Redirects are not followed. Rejects on connection errors and on timeout before the status line.
 */
export function sendPinned(target: OutboundTarget, request: PinnedRequest): Promise<PinnedResponse> {
  const started = performance.now();
  const transport = target.url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(target.url, {
      method: request.method,
      headers: request.headers,
      agent: agents[target.url.protocol as 'http:' | 'https:'],
      lookup: pinnedLookup(target),
      servername: target.url.protocol === 'https:' && !/^[\d.]+$|:/.test(target.hostname) ? target.hostname : undefined,
    });
    // One deadline for the whole exchange: a receiver that sends its status line and then trickles its body is cut off
    // here too, so it cannot hold a pooled socket (and a share of the endpoint's concurrency) for ever.
    let answered = false;
    const timer = setTimeout(
      () => req.destroy(new Error(`timed out after ${request.timeoutMs} ms`)),
      request.timeoutMs,
    );
    timer.unref();
    req.once('response', (res) => {
      const statusCode = res.statusCode ?? 0;
      const durationMs = Math.round(performance.now() - started);
      answered = true;
      res.on('error', () => {});
      res.once('end', () => clearTimeout(timer));
      const limit = request.captureBytes ?? 0;
      if (limit <= 0) {
        req.removeAllListeners('error');
        req.on('error', () => {});
        res.resume();
        resolve({ statusCode, durationMs });
        return;
      }
      // The status is known: a timeout or a broken body from here on ends the capture, not the request.
      req.removeAllListeners('error');
      req.on('error', () => {});
      const chunks: Buffer[] = [];
      let captured = 0;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        resolve({ statusCode, durationMs, bodyPrefix: Buffer.concat(chunks).subarray(0, limit) });
      };
      res.on('data', (chunk: Buffer) => {
        if (captured < limit) {
          chunks.push(chunk);
          captured += chunk.length;
        }
        if (captured >= limit) finish();
      });
      res.once('end', finish);
      res.once('close', finish);
    });
    req.once('error', (error) => {
      clearTimeout(timer);
      if (!answered) reject(error);
    });
    req.end(request.body);
  });
}
