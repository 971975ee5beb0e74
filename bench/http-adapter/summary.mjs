// Turns the raw autocannon runs of bench/http-adapter.mjs into medians, spreads and markdown.
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const fmt = (n, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

export function summarize(runs, adapters, connectionCounts) {
  const rows = [];
  for (const connections of connectionCounts) {
    for (const adapter of adapters) {
      const mine = runs.filter((r) => r.adapter === adapter && r.connections === connections);
      const rps = mine.map((r) => r.rps);
      rows.push({
        adapter,
        connections,
        rps: median(rps),
        rpsMin: Math.min(...rps),
        rpsMax: Math.max(...rps),
        p50: median(mine.map((r) => r.p50)),
        p99: median(mine.map((r) => r.p99)),
        p99Max: Math.max(...mine.map((r) => r.p99)),
        cpu: median(mine.map((r) => r.cpuMicrosPerRequest)),
        errors: mine.reduce((sum, r) => sum + r.errors, 0),
      });
    }
  }
  const gaps = connectionCounts.map((connections) => {
    const [a, b] = adapters.map((adapter) => rows.find((r) => r.adapter === adapter && r.connections === connections));
    return { connections, ratio: b.rps / a.rps, microsPerRequest: [a.cpu, b.cpu] };
  });
  return { rows, gaps, adapters };
}

// Checked once by hand in a scratch project (not re-run by this script), 2026-11-25.
const featureCheck = [
  '### Features Fastify must support (checked by hand, not by this script)',
  '',
  'Scratch Nest 12 app (tsc build, ESM) run on both adapters, 2026-11-25:',
  '',
  '| Feature | Fastify (@nestjs/platform-fastify 12.5.0, fastify 5.12.8) | Express (@nestjs/platform-express 12.5.1, express 5.3.0) |',
  '|---|---|---|',
  '| GraphQL code-first query, mutation, subscription over graphql-ws 6.4.2 (`ws` client got the event) | works with @nestjs/graphql 14.0.3, @nestjs/apollo 14.0.3, @apollo/server 5.5.1, graphql 16.15.0, **@as-integrations/fastify 3.1.0** | works with the same plus @as-integrations/express5 1.1.2 |',
  "| Streaming multipart upload (50 MB and 190 MB) | works: `FileStreamInterceptor` from `@nestjs/platform-fastify/multipart` + **@fastify/multipart 10.1.9**; RSS +30 MB for 50 MB and +32 MB for 190 MB (flat, not buffered) | works with hand-written busboy 1.6 glue on the raw request (multer's `FileInterceptor` buffers to memory or disk); RSS +34 / +37 MB |",
  '| Static SPA under /admin with index.html fallback | works with **@fastify/static 10.1.11** plus a two-line fallback route; @nestjs/serve-static 12.0.0 serves files but answers 404 for deep links like /admin/tenants/42 on Fastify | works with express.static + fallback route, and with @nestjs/serve-static 12.0.0 |',
  '',
  "Fastify pitfalls met: nestjs-pino 5.2.1's default route `{/*splat}` only reaches `/` on platform-fastify 12.5.0, so no request is logged unless `forRoutes` is given as `{*splat}`; and Fastify assigns `req.id` before middleware runs, so pino-http ignores `genReqId` — the request id must come from `new FastifyAdapter({ genReqId })` and be echoed by an `onRequest` hook.",
];

export function renderReport({ settings, summary, runs, sanity, machine, date }) {
  const [a, b] = summary.adapters;
  const appLine =
    "`bench/http-adapter/mirror-app.mjs`, a Nest app that does the gateway's per-request HTTP work (nestjs-pino JSON request log line with an x-request-id, same redaction and serializers; prom-client histogram + counter from a Nest middleware; route-template interceptor). The gateway itself now runs on the adapter this comparison chose (Fastify) and needs its database runtime, so the mirror, which runs on both, is what is compared. Unlike the gateway, the mirror writes the request log line for /healthz, as every real API route does";
  const lines = [
    '## HTTP adapter: Express vs Fastify (`GET /healthz`)',
    '',
    `Command: \`npm run bench:http\` (env: BENCH_ROUNDS=${settings.rounds} BENCH_DURATION=${settings.duration} BENCH_CONNECTIONS=${settings.connections.join(',')}). Run ${date}.`,
    '',
    `Machine: ${machine}.`,
    '',
    `App: ${appLine}. @nestjs/core 12.5.1; Express via @nestjs/platform-express 12.5.1 (express 5.3.0), Fastify via @nestjs/platform-fastify 12.5.0 (fastify 5.12.8). Each server is a child process (logs to /dev/null); autocannon 9.0.0 runs in the benchmark process, pipelining 1, after a ${settings.warmup} s warm-up per adapter. ${settings.rounds} interleaved rounds of ${settings.duration} s per adapter and connection count, adapter order alternating per round.`,
    '',
    "**Caveat:** 2 cores shared between server, load generator and the other engineers' test runs, so absolute numbers are low and noisy; compare the adapters within a round and read the min–max spread. The 1-minute load average during each run is in the raw table.",
    '',
    '| Adapter | Connections | req/s median | req/s min–max | p50 ms | p99 ms (median / worst) | server CPU µs/request | errors |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...summary.rows.map(
      (r) =>
        `| ${r.adapter} | ${r.connections} | ${fmt(r.rps)} | ${fmt(r.rpsMin)}–${fmt(r.rpsMax)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} / ${fmt(r.p99Max, 1)} | ${fmt(r.cpu)} | ${r.errors} |`,
    ),
    '',
    "Server CPU µs/request is the server process's user + system CPU time over the run divided by the requests its metrics counter saw; unlike req/s it does not depend on how much of a core the server got while other processes competed for it.",
    '',
    ...summary.gaps.map(
      (g) =>
        `- ${g.connections} connections: ${b} serves ${fmt((g.ratio - 1) * 100, 1)}% ${g.ratio >= 1 ? 'more' : 'fewer'} requests/s than ${a}; server CPU per request ${fmt(g.microsPerRequest[0])} µs (${a}) vs ${fmt(g.microsPerRequest[1])} µs (${b}), a difference of ${fmt(Math.abs(g.microsPerRequest[0] - g.microsPerRequest[1]))} µs — ${fmt((Math.abs(g.microsPerRequest[0] - g.microsPerRequest[1]) / 1000) * 100, 1)}% of 1 ms, the low end of the XMTP work behind a real API request.`,
    ),
    '',
    `Sanity check: the servers' http_requests_total counters match the responses autocannon received plus the requests still in flight when each window closed (${summary.adapters.map((ad) => `${ad}: ${sanity[ad].counted} counted, ${sanity[ad].sent} received + up to ${sanity[ad].inFlightMax} in flight; RSS ${sanity[ad].rssMB} MB at the end`).join('; ')}), so both adapters did the metrics work on every request.`,
    '',
    ...featureCheck,
    '',
    '<details><summary>Raw runs</summary>',
    '',
    '| Round | Connections | Adapter | req/s | p50 ms | p99 ms | CPU µs/req | errors | load avg |',
    '|---:|---:|---|---:|---:|---:|---:|---:|---:|',
    ...runs.map(
      (r) =>
        `| ${r.round} | ${r.connections} | ${r.adapter} | ${fmt(r.rps)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${fmt(r.cpuMicrosPerRequest)} | ${r.errors} | ${fmt(r.load, 2)} |`,
    ),
    '',
    '</details>',
  ];
  return lines.join('\n');
}
