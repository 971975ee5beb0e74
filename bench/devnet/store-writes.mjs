// Write-heavy comparison of candidate devnet stores: the pattern is one small write per RPC, acknowledged
// only after it is stored. Run by bench/devnet.mjs; uses the built devnet (apps/devnet/dist).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { DevnetStore } from '../../apps/devnet/dist/store/devnet-store.js';

const PAYLOAD_BYTES = 300; // a typical application message is 220–650 bytes; commits are 2–5 KB

function message(groupId) {
  return { groupId, data: randomBytes(PAYLOAD_BYTES), senderHmac: randomBytes(32), shouldPush: true, isCommit: false };
}

function timeWrites(label, count, write) {
  const groups = Array.from({ length: 20 }, () => randomBytes(16));
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) write(message(groups[i % groups.length]));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { label, count, seconds, perSecond: count / seconds };
}

async function timeAsyncWrites(label, count, write) {
  const groups = Array.from({ length: 20 }, () => randomBytes(16));
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await write(message(groups[i % groups.length]));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { label, count, seconds, perSecond: count / seconds };
}

export async function measureStores({
  count = 20_000,
  pgCount = 3_000,
  databaseUrl = 'postgres://postgres@127.0.0.1:5432/test',
} = {}) {
  const results = [];

  const memory = DevnetStore.inMemory();
  results.push(timeWrites('in memory (no persistence)', count, (m) => memory.addGroupMessages([m])));

  for (const fsync of [false, true]) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'devnet-bench-store-'));
    const { store } = DevnetStore.open(dir, { fsync });
    const n = fsync ? Math.min(count, 2_000) : count;
    const result = timeWrites(
      fsync ? 'journal file, fsync per write' : 'journal file, write() per RPC (default)',
      n,
      (m) => store.addGroupMessages([m]),
    );
    store.close();
    const started = process.hrtime.bigint();
    const reopened = DevnetStore.open(dir);
    result.replay = `${reopened.replayed} records in ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(0)} ms`;
    result.bytesPerRecord = Math.round(statSync(path.join(dir, 'devnet.journal')).size / n);
    reopened.store.close();
    rmSync(dir, { recursive: true, force: true });
    results.push(result);
  }

  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    const table = `devnet_bench_${process.pid}`;
    await client.query(
      `CREATE TABLE ${table} (id bigserial PRIMARY KEY, created_at_ns bigint NOT NULL, group_id bytea NOT NULL, data bytea NOT NULL,
        sender_hmac bytea, should_push boolean, is_commit boolean, data_hash bytea NOT NULL UNIQUE)`,
    );
    await client.query(`CREATE INDEX ON ${table} (group_id, id)`);
    try {
      results.push(
        await timeAsyncWrites('Postgres 15 INSERT per RPC (synchronous_commit on)', pgCount, (m) =>
          client.query(
            `INSERT INTO ${table} (created_at_ns, group_id, data, sender_hmac, should_push, is_commit, data_hash)
             VALUES ($1, $2, $3, $4, $5, $6, sha256($2::bytea || $3::bytea)) ON CONFLICT (data_hash) DO NOTHING RETURNING id`,
            [String(BigInt(Date.now()) * 1_000_000n), m.groupId, m.data, m.senderHmac, m.shouldPush, m.isCommit],
          ),
        ),
      );
    } finally {
      await client.query(`DROP TABLE ${table}`);
    }
  } catch (error) {
    results.push({ label: `Postgres: not measured (${error.message})`, count: 0, seconds: 0, perSecond: NaN });
  } finally {
    await client.end().catch(() => undefined);
  }
  return results;
}
