// npm run bench:attachments — encrypted remote attachments end to end through a built gateway (child process) for each
// blob store, against the raw cost of the same encryption + a plain store write (PutObject / kubo add / file write)
// measured in this process in the same run; and the gateway's RSS growth while it takes a 200 MB upload.
// Needs `npm run build` and the local Postgres. Servers: s3rver (in this process), the helia Kubo-RPC shim and the
// devnet (child processes).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, openAsBlob, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { create as createKubo } from 'kubo-rpc-client';
import pg from 'pg';
import S3rver from 's3rver';
import { dropDatabase, ensureDatabase } from '@mailroom/persistence';
import { AttachmentEncryptor } from '@mailroom/xmtp';
import { createTestClients } from '@mailroom/xmtp/testing';
import { startChildDevnet } from './devnet/child-devnet.mjs';
import { machineLine, writeSection } from './lib/report.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MB = 1024 * 1024;
const SERVER_DB = process.env.DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432';
const RUNS = { [1 * MB]: 5, [50 * MB]: 2 };

function waitForLine(child, pattern, what) {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = pattern.exec(out);
      if (match) resolve(match);
    });
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code} before it was ready:\n${out}`)));
  });
}

function rssBytes(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line.split(/\s+/)[1]) * 1024;
}

const work = await mkdtemp(path.join(os.tmpdir(), 'mailroom-bench-att-'));
const cleanups = [];
try {
  // Storage servers.
  const s3dir = path.join(work, 's3');
  const s3server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: s3dir,
    configureBuckets: [{ name: 'bench', configs: [] }],
  });
  const { port: s3port } = await s3server.run();
  cleanups.push(() => s3server.close());
  const s3endpoint = `http://127.0.0.1:${s3port}`;
  const ipfsChild = spawn(
    process.execPath,
    [path.join(root, 'test/support/ipfs-server-process.mjs'), path.join(work, 'ipfs')],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  cleanups.push(() => ipfsChild.kill('SIGTERM'));
  const ipfsUrl = `http://127.0.0.1:${(await waitForLine(ipfsChild, /listening (\d+)/, 'IPFS shim'))[1]}`;
  const devnet = await startChildDevnet();
  cleanups.push(() => devnet.stop());

  // Gateway in its own process, so its RSS is its own.
  const databaseUrl = `${SERVER_DB}/mailroom_bench_att_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(databaseUrl);
  cleanups.push(() => dropDatabase(databaseUrl));
  const gatewayChild = spawn(process.execPath, [path.join(root, 'apps/gateway/dist/main.js')], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: path.join(work, 'gateway'),
      DATABASE_URL: databaseUrl,
      XMTP_ENV: 'local',
      XMTP_API_URL: devnet.url,
      S3_ENDPOINT: s3endpoint,
      S3_BUCKET: 'bench',
      S3_REGION: 'us-east-1',
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      S3_FORCE_PATH_STYLE: 'true',
      IPFS_API_URL: ipfsUrl,
      IPFS_GATEWAY_URL: ipfsUrl,
      ATTACHMENT_MAX_BYTES: String(300 * MB),
      RATE_LIMIT_PER_MINUTE: '100000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  cleanups.push(
    () =>
      new Promise((resolve) =>
        gatewayChild.exitCode !== null ? resolve() : (gatewayChild.once('exit', resolve), gatewayChild.kill('SIGTERM')),
      ),
  );
  const gatewayUrl = (await waitForLine(gatewayChild, /gateway is ready on (\S+)/, 'gateway'))[1];

  const call = async (method, route, body, token) => {
    const res = await fetch(`${gatewayUrl}${route}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body && JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${route} answered ${res.status}: ${await res.text()}`);
    return res.json();
  };
  const signup = await call('POST', '/v1/admin/signup', {
    tenantName: 'bench',
    email: `bench-${Date.now()}@bench.test`,
    password: `pw-${randomBytes(9).toString('hex')}`,
  });
  const { key } = await call('POST', '/v1/api-keys', { name: 'bench' }, signup.accessToken);
  const identity = await call('POST', '/v1/identities', { label: 'bench' }, key);
  const peers = await createTestClients(devnet.url, 1);
  cleanups.push(() => peers.cleanup());
  const dm = await call(
    'POST',
    `/v1/identities/${identity.id}/conversations/dm`,
    { peer: peers.clients[0].inboxId },
    key,
  );
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  cleanups.push(() => db.end());
  const useStore = (store) =>
    db.query(
      `INSERT INTO tenant_settings (tenant_id, attachment_store, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (tenant_id) DO UPDATE SET attachment_store = EXCLUDED.attachment_store`,
      [signup.tenant.id, store],
    );

  const files = {};
  for (const size of [1 * MB, 50 * MB, 200 * MB]) {
    files[size] = path.join(work, `file-${size}`);
    await pipeline(
      (async function* () {
        for (let left = size; left > 0; left -= MB) yield randomBytes(Math.min(MB, left));
      })(),
      createWriteStream(files[size]),
    );
  }

  const upload = async (size) => {
    const form = new FormData();
    form.append('file', await openAsBlob(files[size], { type: 'application/octet-stream' }), `bench-${size}.bin`);
    const started = performance.now();
    const res = await fetch(`${gatewayUrl}/v1/identities/${identity.id}/conversations/${dm.id}/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}` },
      body: form,
    });
    const body = await res.text();
    if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${body}`);
    return performance.now() - started;
  };

  // The raw cost: the same streaming encryption + one plain write to the store, from this process.
  const s3 = new S3Client({
    endpoint: s3endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  cleanups.push(() => s3.destroy());
  const kubo = createKubo({ url: ipfsUrl });
  const raw = {
    s3: async (size) => {
      const encryptor = new AttachmentEncryptor({ filename: 'raw.bin', mimeType: 'application/octet-stream' }, size);
      const started = performance.now();
      await s3.send(
        new PutObjectCommand({
          Bucket: 'bench',
          Key: `raw/${randomBytes(8).toString('hex')}`,
          Body: createReadStream(files[size]).pipe(encryptor),
          ContentLength: encryptor.ciphertextLength,
        }),
      );
      return performance.now() - started;
    },
    ipfs: async (size) => {
      const encryptor = new AttachmentEncryptor({ filename: 'raw.bin', mimeType: 'application/octet-stream' }, size);
      const started = performance.now();
      await kubo.add(createReadStream(files[size]).pipe(encryptor), { pin: true, cidVersion: 1 });
      return performance.now() - started;
    },
    filesystem: async (size) => {
      const encryptor = new AttachmentEncryptor({ filename: 'raw.bin', mimeType: 'application/octet-stream' }, size);
      const started = performance.now();
      await pipeline(
        createReadStream(files[size]),
        encryptor,
        createWriteStream(path.join(work, `raw-${randomBytes(8).toString('hex')}`)),
      );
      return performance.now() - started;
    },
  };

  const mbps = (size, ms) => size / MB / (ms / 1000);
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const rows = [];
  for (const store of ['s3', 'ipfs', 'filesystem']) {
    await useStore(store);
    await upload(1 * MB); // warm-up (connections, JIT)
    for (const size of [1 * MB, 50 * MB]) {
      const e2e = [];
      const base = [];
      for (let i = 0; i < RUNS[size]; i++) {
        e2e.push(await upload(size));
        base.push(await raw[store](size));
      }
      const e2eMs = median(e2e);
      const rawMs = median(base);
      rows.push({ store, size, e2eMs, rawMs, e2e: mbps(size, e2eMs), raw: mbps(size, rawMs) });
      console.log(
        `${store} ${size / MB} MB: e2e ${mbps(size, e2eMs).toFixed(1)} MB/s, raw ${mbps(size, rawMs).toFixed(1)} MB/s`,
      );
    }
  }

  // RSS while the gateway takes a 200 MB upload (S3 store: multipart upload of the ciphertext).
  const rss = {};
  for (const store of ['s3', 'filesystem']) {
    await useStore(store);
    await upload(1 * MB);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const before = rssBytes(gatewayChild.pid);
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssBytes(gatewayChild.pid));
    }, 20);
    const ms = await upload(200 * MB);
    clearInterval(sampler);
    rss[store] = { before, peak, growth: peak - before, ms };
    console.log(
      `${store} 200 MB: RSS ${(before / MB).toFixed(0)} → peak ${(peak / MB).toFixed(0)} MB (+${((peak - before) / MB).toFixed(1)}), ${mbps(200 * MB, ms).toFixed(1)} MB/s`,
    );
  }

  const fmt = (n) => n.toFixed(1);
  const table = rows
    .map(
      (r) =>
        `| ${r.store} | ${r.size / MB} MB | ${fmt(r.e2e)} MB/s (${r.e2eMs.toFixed(0)} ms) | ${fmt(r.raw)} MB/s (${r.rawMs.toFixed(0)} ms) | ${fmt((r.e2e / r.raw) * 100)} % |`,
    )
    .join('\n');
  const rssTable = Object.entries(rss)
    .map(
      ([store, r]) =>
        `| ${store} | ${(r.before / MB).toFixed(0)} MB | ${(r.peak / MB).toFixed(0)} MB | **+${(r.growth / MB).toFixed(1)} MB** | ${fmt(mbps(200 * MB, r.ms))} MB/s |`,
    )
    .join('\n');
  await writeSection(
    'attachments',
    `## Attachments (encrypted remote attachments)

\`npm run bench:attachments\` · ${new Date().toISOString().slice(0, 10)} · Machine: ${machineLine()}. 1-minute load average at the end: ${os.loadavg()[0].toFixed(2)} (other engineers' builds and tests share the machine).

End to end = \`POST /v1/identities/:id/conversations/:cid/attachments\` with one multipart file, from the first byte sent to the 201: the gateway (its own process, built) spools the upload to disk, encrypts it with XMTP's remote attachment scheme while streaming it to the store, sends the remote attachment message on the devnet (a child process) and records the row. Raw = the same streaming encryption plus one plain store write from the benchmark process (S3 PutObject with a known length; kubo \`add\` with pin; a file write), no HTTP upload, spool or XMTP send. Medians of ${RUNS[MB]} runs (1 MB) and ${RUNS[50 * MB]} runs (50 MB), after one warm-up upload. Stores are local: s3rver 3.7.1 (in the benchmark process), the helia Kubo-RPC shim (\`test/support/ipfs-server-process.mjs\`), and DATA_DIR on local disk.

| store | file | end to end | raw encrypt + write | end to end / raw |
| --- | --- | --- | --- | --- |
${table}

Gateway RSS while it takes one 200 MB upload (VmRSS of the gateway process sampled every 20 ms; target: growth under 50 MB):

| store | RSS before | peak | growth | throughput |
| --- | --- | --- | --- | --- |
${rssTable}

Memory: the SDK's \`encryptAttachment\`/\`decryptAttachment\` take and return whole buffers (plaintext in, ciphertext out: about twice the file in memory, more with copies across the native boundary), so Mailroom does not use them for files. It writes the attachment envelope (\`EncodedContent\` of \`xmtp.org/attachment\`) itself and streams it through AES-256-GCM (key from HKDF-SHA256, XMTP's scheme), hashing the ciphertext on the way; tests check interop with the SDK in both directions. Uploads are spooled to a file under DATA_DIR first: the envelope needs the file length before the first byte, and a 413 must leave nothing stored. The S3 store buffers at most two 5 MiB multipart parts; received attachments are verified (digest and tag) into a temporary file before a byte is released.`,
  );
} finally {
  for (const cleanup of cleanups.reverse())
    await Promise.resolve()
      .then(cleanup)
      .catch((error) => console.error('cleanup:', error.message));
  await rm(work, { recursive: true, force: true });
}
process.exit(0);
