// One benchmark phase in its own process (clean RSS), driven by bench/identities.mjs.
// argv[2] is a JSON job; the result is printed as one `RESULT {json}` line.
import { randomBytes } from 'node:crypto';
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { generatePrivateKey } from 'viem/accounts';
import {
  closeClientDatabase,
  disposableEoaSigner,
  ethereumIdentifier,
  InstallationPool,
  pointSdkAt,
} from '@mailroom/xmtp';
import { Client } from '@xmtp/node-sdk';
import { PgAdvisoryIdentityLocks } from '../../libs/persistence/dist/identity-locks.js';

const job = JSON.parse(process.argv[2]);
pointSdkAt(job.url, 'local');
const clientOptions = (dbPath, dbEncryptionKey) => ({
  env: 'local',
  apiUrl: job.url,
  dbPath,
  dbEncryptionKey,
  disableDeviceSync: true,
  historySyncUrl: null,
});
const rssMiB = () => process.memoryUsage().rss / 2 ** 20;
const threads = () => readdirSync('/proc/self/task').length;
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
};

function readManifest(file) {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const row = JSON.parse(line);
      return {
        ref: {
          identityId: row.identityId,
          address: row.address,
          dbPath: row.dbPath,
          inboxId: row.inboxId,
          installationId: row.installationId,
        },
        keys: () => ({ walletPrivateKey: row.walletPrivateKey, dbEncryptionKey: Buffer.from(row.dbKey, 'hex') }),
        dbKey: Buffer.from(row.dbKey, 'hex'),
      };
    });
}

function newPool(maxLive) {
  const locks = new PgAdvisoryIdentityLocks({ connectionString: job.databaseUrl });
  const pool = new InstallationPool({ env: 'local', apiUrl: job.url, maxLive, locks });
  return { pool, close: async () => (await pool.close(), await locks.close()) };
}

const timed = async (fn) => {
  const started = performance.now();
  const value = await fn();
  return [performance.now() - started, value];
};

/** Creates identities until count or the time budget is reached, alternating pool.register and raw Client.create. */
async function create() {
  const { pool, close } = newPool(1);
  const times = { pool: [], raw: [] };
  const deadline = Date.now() + job.timeBudgetMs;
  let made = 0;
  while (made < job.count && Date.now() < deadline) {
    const mode = made % 2 === 0 ? 'pool' : 'raw';
    const walletPrivateKey = generatePrivateKey();
    const dbKey = randomBytes(32);
    const identityId = `bench-${job.seed}-${made}`;
    const dbPath = path.join(job.dir, `${identityId}.db3`);
    let ms, inboxId, installationId, address;
    if (mode === 'pool') {
      const wallet = disposableEoaSigner(walletPrivateKey);
      address = wallet.address;
      const ref = { identityId, address, dbPath };
      [ms, { inboxId, installationId }] = await timed(() =>
        pool.register(ref, () => ({ walletPrivateKey, dbEncryptionKey: dbKey })),
      );
      await pool.release(identityId);
    } else {
      const wallet = disposableEoaSigner(walletPrivateKey);
      address = wallet.address;
      let client;
      [ms, client] = await timed(() => Client.create(wallet.signer, clientOptions(dbPath, dbKey)));
      inboxId = client.inboxId;
      installationId = client.installationId;
      closeClientDatabase(client);
    }
    times[mode].push(ms);
    appendFileSync(
      job.manifest,
      `${JSON.stringify({ identityId, address, dbPath, inboxId, installationId, walletPrivateKey, dbKey: dbKey.toString('hex') })}\n`,
    );
    made++;
  }
  await close();
  return { made, times };
}

/** Cold activations from disk, alternating the pool (use → release) and raw Client.build, each on its own identity. */
async function activate() {
  const identities = readManifest(job.manifest).slice(job.offset, job.offset + job.count);
  const { pool, close } = newPool(identities.length);
  const times = { pool: [], raw: [] };
  for (const [i, identity] of identities.entries()) {
    if (i % 2 === 0) {
      const [ms] = await timed(() => pool.use(identity.ref, identity.keys, (client) => client.installationId));
      times.pool.push(ms);
      await pool.release(identity.ref.identityId);
    } else {
      const [ms, client] = await timed(() =>
        Client.build(ethereumIdentifier(identity.ref.address), clientOptions(identity.ref.dbPath, identity.dbKey)),
      );
      times.raw.push(ms);
      closeClientDatabase(client);
    }
  }
  await close();
  return { times };
}

/** RSS with `count` live clients, through the pool or raw Client.build, after one warm-up activation. */
async function rss() {
  const identities = readManifest(job.manifest);
  const warmup = identities[job.count];
  const live = identities.slice(0, job.count);
  const { pool, close } = newPool(job.count + 1);
  const keep = [];
  if (job.mode === 'pool') {
    await pool.use(warmup.ref, warmup.keys, () => undefined);
    await pool.release(warmup.ref.identityId);
  } else {
    closeClientDatabase(
      await Client.build(ethereumIdentifier(warmup.ref.address), clientOptions(warmup.ref.dbPath, warmup.dbKey)),
    );
  }
  await settle();
  const baseline = rssMiB();
  const baselineThreads = threads();
  const started = performance.now();
  for (const identity of live) {
    if (job.mode === 'pool') await pool.use(identity.ref, identity.keys, () => undefined);
    else
      keep.push(
        await Client.build(
          ethereumIdentifier(identity.ref.address),
          clientOptions(identity.ref.dbPath, identity.dbKey),
        ),
      );
  }
  const seconds = (performance.now() - started) / 1000;
  await settle();
  const after = rssMiB();
  const liveCount = job.mode === 'pool' ? pool.stats().live : keep.length;
  const threadsPerClient = (threads() - baselineThreads) / liveCount;
  for (const client of keep) closeClientDatabase(client);
  await close();
  return { baseline, after, liveCount, perClientMiB: (after - baseline) / liveCount, seconds, threadsPerClient };
}

/** Many hosted identities, bounded live set: touch every identity once, then random uses. */
async function scale() {
  const identities = readManifest(job.manifest);
  const { pool, close } = newPool(job.maxLive);
  const miss = [];
  const hit = [];
  let peakRss = 0;
  const useOne = async (identity) => {
    const wasLive = pool.isLive(identity.ref.identityId);
    const [ms] = await timed(() => pool.use(identity.ref, identity.keys, (client) => client.installationId));
    (wasLive ? hit : miss).push(ms);
    peakRss = Math.max(peakRss, rssMiB());
    if ((hit.length + miss.length) % 50 === 0) {
      process.stdout.write(
        `PROGRESS ${JSON.stringify({ uses: hit.length + miss.length, ...pool.stats(), threads: threads(), rss: rssMiB() })}\n`,
      );
    }
  };
  const threadsAtStart = threads();
  const started = performance.now();
  for (const identity of identities) await useOne(identity);
  const sweepSeconds = (performance.now() - started) / 1000;
  const randomStarted = performance.now();
  for (let i = 0; i < job.randomUses; i++) await useOne(identities[Math.floor(Math.random() * identities.length)]);
  const randomSeconds = (performance.now() - randomStarted) / 1000;
  await settle();
  const result = {
    identities: identities.length,
    stats: pool.stats(),
    hit,
    miss,
    sweepSeconds,
    randomSeconds,
    peakRss,
    rssAfter: rssMiB(),
    threads: threads(),
    threadsAtStart,
  };
  const [closeMs] = await timed(close);
  return { ...result, closeMs };
}

const phases = { create, activate, rss, scale };
const result = await phases[job.phase]();
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
process.exit(0);
