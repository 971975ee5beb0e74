import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sendPinned } from '../../apps/gateway/src/common/outbound/pinned-request.js';

/** A receiver that answers its status line at once, then trickles its body for as long as the connection lasts. */
let server: Server;
let url: URL;
const closedAt: number[] = [];

beforeAll(async () => {
  server = createServer((request, response: ServerResponse) => {
    request.resume();
    response.writeHead(200, { 'content-type': 'text/plain' });
    const trickle = setInterval(() => response.write('.'), 50);
    response.on('close', () => {
      clearInterval(trickle);
      closedAt.push(Date.now());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`);
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const target = () => ({ url, hostname: '127.0.0.1', address: '127.0.0.1', family: 4 as const });

describe('outbound requests to a receiver that trickles its answer', () => {
  it.each([
    ['status only', undefined],
    ['capturing the first bytes', 1024],
  ])('settles on the status line (%s) and cuts the connection off at the deadline', async (_label, captureBytes) => {
    closedAt.length = 0;
    const started = Date.now();
    const answer = await sendPinned(target(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
      timeoutMs: 800,
      captureBytes,
    });
    expect(answer.statusCode).toBe(200);
    // The receiver keeps writing; without a deadline on the body the socket would stay open for ever.
    const deadline = Date.now() + 5_000;
    while (closedAt.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(closedAt.length).toBe(1);
    expect(closedAt[0]! - started).toBeGreaterThanOrEqual(700);
    expect(closedAt[0]! - started).toBeLessThan(2_500);
  });
});
