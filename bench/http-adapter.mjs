// Express vs Fastify under the same Nest app: requests/s and latency on GET /healthz.
// Both servers run as child processes for the whole benchmark; autocannon runs here.
// Rounds alternate the adapter order so that load from other processes on the
// machine is spread over both, and the report shows the spread, not only a median.
//
//   npm run bench:http
//   BENCH_ROUNDS=3 BENCH_DURATION=10 BENCH_WARMUP=3 BENCH_CONNECTIONS=10,100 npm run bench:http
//
// The app is bench/http-adapter/mirror-app.mjs (see there why not apps/gateway itself).
import { fork } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { machineLine, writeSection } from './lib/report.mjs';
import { summarize, renderReport } from './http-adapter/summary.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

const adapters = ['express', 'fastify'];
const settings = {
  rounds: Number(process.env.BENCH_ROUNDS ?? 3),
  duration: Number(process.env.BENCH_DURATION ?? 10),
  warmup: Number(process.env.BENCH_WARMUP ?? 3),
  connections: (process.env.BENCH_CONNECTIONS ?? '10,100').split(',').map(Number),
};

/** Starts one adapter's server; its JSON logs go to /dev/null (serialized and written, not kept). */
async function startServer(adapter) {
  const child = fork(path.join(here, 'http-adapter/server.mjs'), [adapter], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, LOG_LEVEL: 'info', NODE_ENV: 'production' },
  });
  const ready = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`${adapter} server exited with ${code} before listening`)));
  });
  return { adapter, child, url: `http://127.0.0.1:${ready.port}` };
}

function stopServer(server) {
  return new Promise((resolve) => {
    server.child.once('exit', resolve);
    server.child.disconnect();
  });
}

function cannon(url, connections, duration) {
  return autocannon({ url: `${url}/healthz`, connections, duration, pipelining: 1 });
}

// Linux reports process CPU time in clock ticks (USER_HZ), 100 per second on every
// mainstream architecture.
const clockTicksPerSecond = 100;

/** CPU time the server process has used, and the requests its metrics counter has seen. */
async function serverCounters(server) {
  const requests = await countedRequests(server);
  const stat = await readFile(`/proc/${server.child.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { requests, cpuTicks: Number(fields[11]) + Number(fields[12]) };
}

async function countedRequests(server) {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return [...text.matchAll(/^http_requests_total\{[^}]*route="\/healthz"[^}]*\} (\d+)/gm)].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );
}

async function main() {
  console.log(`${settings.rounds} rounds × ${settings.duration} s per adapter and connection count`);
  const servers = {};
  for (const adapter of adapters) servers[adapter] = await startServer(adapter);

  const warmupRequests = {};
  for (const adapter of adapters)
    warmupRequests[adapter] = (await cannon(servers[adapter].url, 100, settings.warmup)).requests.total;

  const runs = [];
  for (let round = 1; round <= settings.rounds; round++) {
    const order = round % 2 === 1 ? adapters : [...adapters].reverse();
    for (const connections of settings.connections) {
      for (const adapter of order) {
        const loadBefore = os.loadavg()[0];
        const before = await serverCounters(servers[adapter]);
        const r = await cannon(servers[adapter].url, connections, settings.duration);
        await new Promise((resolve) => setTimeout(resolve, 300)); // let the requests in flight finish
        const after = await serverCounters(servers[adapter]);
        const run = {
          round,
          adapter,
          connections,
          rps: r.requests.average,
          p50: r.latency.p50,
          p99: r.latency.p99,
          errors: r.errors + r.timeouts + r.non2xx,
          total: r.requests.total,
          cpuMicrosPerRequest:
            ((after.cpuTicks - before.cpuTicks) * (1e6 / clockTicksPerSecond)) / (after.requests - before.requests),
          load: Math.max(loadBefore, os.loadavg()[0]),
        };
        runs.push(run);
        console.log(
          `round ${round} c=${connections} ${adapter.padEnd(7)} ${run.rps.toFixed(0).padStart(6)} req/s  p50 ${run.p50} ms  p99 ${run.p99} ms  CPU ${run.cpuMicrosPerRequest.toFixed(0)} µs/req  errors ${run.errors}  load ${run.load.toFixed(2)}`,
        );
      }
    }
  }

  const sanity = {};
  for (const adapter of adapters) {
    // autocannon counts only the responses that arrive inside each window; the server also
    // answers the requests still in flight at its end (at most one per connection).
    const mine = runs.filter((r) => r.adapter === adapter);
    const sent = warmupRequests[adapter] + mine.reduce((sum, r) => sum + r.total, 0);
    const inFlightMax = 100 + mine.reduce((sum, r) => sum + r.connections, 0);
    sanity[adapter] = {
      sent,
      inFlightMax,
      counted: await countedRequests(servers[adapter]),
      rssMB: Math.round((await rssOf(servers[adapter])) / 1024),
    };
  }
  for (const adapter of adapters) await stopServer(servers[adapter]);

  const summary = summarize(runs, adapters, settings.connections);
  const markdown = renderReport({
    settings,
    summary,
    runs,
    sanity,
    machine: machineLine(),
    date: new Date().toISOString().slice(0, 10),
  });
  await writeSection('http-adapter', markdown);
  console.log(`\n${markdown}`);
}

async function rssOf(server) {
  const status = await readFile(`/proc/${server.child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}

await main();
