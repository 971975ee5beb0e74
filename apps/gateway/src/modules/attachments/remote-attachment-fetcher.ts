import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { OutboundPolicy, type OutboundTarget } from '../../common/outbound/index.js';

/** The remote server did not hand over the ciphertext (connection error, timeout, non-200, too large). */
export class RemoteFetchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RemoteFetchError';
  }
}

export interface FetchedBody {
  readonly body: Readable;
  /** Content-Length when the server sent one. */
  readonly length?: number;
}

/** Connects to the address the policy checked, never to a fresh DNS answer. */
function pinnedLookup(target: OutboundTarget): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  }) as LookupFunction;
}

/**
 * Downloads remote attachment ciphertext for a hosted identity: http(s) only, private and loopback addresses refused
 * unless OUTBOUND_ALLOWLIST names them (OutboundRefusedError from `check`), no redirects, one deadline for the whole
 * download (the body is destroyed when it passes), and a size cap on the announced length.
 */
@Injectable()
export class RemoteAttachmentFetcher {
  constructor(private readonly policy: OutboundPolicy) {}

  check(url: string): Promise<OutboundTarget> {
    return this.policy.check(url);
  }

  get(target: OutboundTarget, options: { timeoutMs: number; maxBytes: number }): Promise<FetchedBody> {
    const transport = target.url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const request = transport.get(target.url, {
        lookup: pinnedLookup(target),
        headers: { accept: '*/*', 'user-agent': 'Mailroom attachment fetcher' },
        servername:
          target.url.protocol === 'https:' && !/^[\d.]+$|:/.test(target.hostname) ? target.hostname : undefined,
      });
      const deadline = setTimeout(
        () => request.destroy(new RemoteFetchError(`no complete answer within ${options.timeoutMs} ms`)),
        options.timeoutMs,
      );
      deadline.unref();
      request.once('error', (error) => {
        clearTimeout(deadline);
        reject(
          error instanceof RemoteFetchError ? error : new RemoteFetchError(`could not download: ${error.message}`),
        );
      });
      request.once('response', (response) => {
        const status = response.statusCode ?? 0;
        const fail = (message: string) => {
          clearTimeout(deadline);
          response.resume();
          request.destroy();
          reject(new RemoteFetchError(message));
        };
        if (status !== 200) return fail(`the attachment URL answered ${status}`);
        const announced = response.headers['content-length'] ? Number(response.headers['content-length']) : undefined;
        if (announced !== undefined && announced > options.maxBytes)
          return fail(`the attachment is ${announced} bytes, more than the ${options.maxBytes} allowed`);
        response.once('close', () => clearTimeout(deadline));
        resolve({ body: response, length: announced });
      });
    });
  }
}
