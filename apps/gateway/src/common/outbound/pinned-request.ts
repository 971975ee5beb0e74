import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { OutboundTarget } from './outbound-policy.js';

export interface PinnedRequest {
  readonly method: 'POST' | 'GET';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /** Whole request, from connect to the status line. */
  readonly timeoutMs: number;
}

export interface PinnedResponse {
  readonly statusCode: number;
  readonly durationMs: number;
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
 * Sends one request to a checked target and resolves with the status as soon as the status line arrives (the body
 * is drained and discarded). Redirects are not followed. Rejects on connection errors and on timeout.
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
    const timer = setTimeout(() => req.destroy(new Error(`timed out after ${request.timeoutMs} ms`)), request.timeoutMs);
    req.once('response', (res) => {
      clearTimeout(timer);
      res.on('error', () => {});
      res.resume();
      resolve({ statusCode: res.statusCode ?? 0, durationMs: Math.round(performance.now() - started) });
    });
    req.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(request.body);
  });
}
