// A local webhook receiver for benchmarks that count delivered messages.
import http from 'node:http';

/**
 * Answers every POST 200 and calls `onMessage(event, receivedAt)` once per unique message.received event, receivedAt
 * being the epoch milliseconds at which its body had arrived. Resolves with its URL and close().
 */
export function startMessageReceiver(onMessage, { keepAliveTimeout } = {}) {
  const seen = new Set();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const receivedAt = performance.timeOrigin + performance.now();
      res.writeHead(200).end();
      let event;
      try {
        event = JSON.parse(body);
      } catch {
        return;
      }
      if (event.type !== 'message.received' || seen.has(event.id)) return;
      seen.add(event.id);
      onMessage(event, receivedAt);
    });
  });
  if (keepAliveTimeout !== undefined) server.keepAliveTimeout = keepAliveTimeout;
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}/hook`,
        close: () => new Promise((r) => server.close(r)),
      }),
    ),
  );
}
