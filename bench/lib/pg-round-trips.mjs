// Preloaded into a benchmarked gateway (`node --import ./bench/lib/pg-round-trips.mjs …`): counts every statement the
// gateway sends to Postgres (each `pg` Client.query is one round trip; the Prisma adapter uses the same `pg`), split by
// whether it ran on behalf of an HTTP request that sends a message (`POST …/messages`) or anything else (the realtime
// pipeline, the webhook dispatcher, sweeps and flushes). The parent asks for the counts over the IPC channel.
import { AsyncLocalStorage } from 'node:async_hooks';
import http from 'node:http';
import pg from 'pg';

const context = new AsyncLocalStorage();
const counts = { send: 0, other: 0, otherRequests: 0 };

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, req, ...rest) {
  if (event !== 'request') return emit.call(this, event, req, ...rest);
  const kind = req.method === 'POST' && /\/messages(\?|$)/.test(req.url ?? '') ? 'send' : 'otherRequests';
  return context.run(kind, () => emit.call(this, event, req, ...rest));
};

// pg-pool hands a waiting caller the client someone else released, on the releaser's async context: run the
// callback in the caller's kind so the statement is counted for whoever asked for it (context.run, not
// AsyncResource.bind: this counter should cost the gateway as little as it can).
const connect = pg.Pool.prototype.connect;
pg.Pool.prototype.connect = function (callback) {
  if (typeof callback !== 'function') return connect.call(this, callback);
  const kind = context.getStore();
  return connect.call(this, (...args) => context.run(kind, callback, ...args));
};

// BENCH_PG_STATEMENTS=1: also print, at exit, how often each statement ran (its first 100 characters), by kind.
const statements = process.env.BENCH_PG_STATEMENTS ? new Map() : undefined;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (...args) {
  const kind = context.getStore() ?? 'other';
  counts[kind]++;
  if (statements) {
    const text = typeof args[0] === 'string' ? args[0] : (args[0]?.text ?? '?');
    const key = `${kind} ${text.replace(/\s+/g, ' ').slice(0, 100)}`;
    statements.set(key, (statements.get(key) ?? 0) + 1);
  }
  return query.apply(this, args);
};
if (statements) {
  process.on('exit', () => {
    const top = [...statements].sort((a, b) => b[1] - a[1]).slice(0, 40);
    process.stderr.write(`pg statements:\n${top.map(([k, n]) => `${String(n).padStart(7)} ${k}`).join('\n')}\n`);
  });
}

process.on('message', (message) => {
  if (message?.type === 'pg-round-trips') process.send?.({ type: 'pg-round-trips', counts: { ...counts } });
});
// The IPC channel must not keep a stopping gateway alive.
process.channel?.unref();
